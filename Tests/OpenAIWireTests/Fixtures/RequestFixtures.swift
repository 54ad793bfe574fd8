/// Recorded-style request bodies as telephony platforms send them to a custom-LLM endpoint.
enum RequestFixtures {
    /// Telnyx AI Assistant with a custom LLM: a plain OpenAI body plus `extra_metadata` describing the call.
    /// `temperature` is written `0.70`, which must reach the upstream as `0.70`, not `0.7`.
    static let telnyxCustomLLM = #"""
{
  "model": "frontdesk-receptionist",
  "messages": [
    {
      "role": "system",
      "content": "You are the receptionist of Café Lumière, a bistro in San Francisco. Keep answers short; you are on the phone."
    },
    {
      "role": "assistant",
      "content": "Thank you for calling Café Lumière, this is Juliette. How can I help you?"
    },
    {
      "role": "user",
      "content": "Hi, um, I'd like to book a table for four tomorrow at seven thirty."
    }
  ],
  "stream": true,
  "temperature": 0.70,
  "max_tokens": 512,
  "extra_metadata": {
    "telnyx_end_user_target": "+14155550123",
    "telnyx_agent_target": "+14155559876",
    "telnyx_conversation_channel": "phone_call",
    "telnyx_current_time": "Thursday, June 19, 2025 at 06:41:18 PM UTC"
  }
}
"""#

    /// Vapi custom-llm: OpenAI fields plus `call`, `customer`, `phoneNumber` and `metadata`, with client
    /// tools, a previous tool round in the history and `tool_choice`.
    static let vapiCustomLLM = #"""
{
  "model": "frontdesk-receptionist",
  "messages": [
    {
      "role": "system",
      "content": "You are Juliette, the receptionist of Café Lumière. Today is Thursday, June 19, 2025."
    },
    {
      "role": "assistant",
      "content": "Café Lumière, Juliette speaking. How may I help?"
    },
    {
      "role": "user",
      "content": "Can you transfer me to the manager? It's about a private event."
    },
    {
      "role": "assistant",
      "content": null,
      "tool_calls": [
        {
          "id": "call_3mVq8ZkT1xRbN0cP5sYwLe2D",
          "type": "function",
          "function": {
            "name": "transferCall",
            "arguments": "{\"destination\":\"+14155550188\"}"
          }
        }
      ]
    },
    {
      "role": "tool",
      "tool_call_id": "call_3mVq8ZkT1xRbN0cP5sYwLe2D",
      "content": "Transfer failed: the manager's line is busy."
    },
    {
      "role": "user",
      "content": [
        {"type": "text", "text": "Okay, then can I leave a message?"}
      ]
    }
  ],
  "temperature": 0.3,
  "max_tokens": 250,
  "stream": true,
  "tools": [
    {
      "type": "function",
      "function": {
        "name": "transferCall",
        "description": "Transfer the caller to a staff member.",
        "parameters": {
          "type": "object",
          "properties": {
            "destination": {"type": "string", "enum": ["+14155550188"], "description": "The number to transfer to."}
          },
          "required": ["destination"]
        }
      }
    },
    {
      "type": "function",
      "function": {
        "name": "takeMessage",
        "strict": true,
        "description": "Record a message for the manager.",
        "parameters": {
          "type": "object",
          "properties": {
            "callback_number": {"type": "string"},
            "message": {"type": "string"}
          },
          "required": ["callback_number", "message"],
          "additionalProperties": false
        }
      }
    }
  ],
  "tool_choice": "auto",
  "call": {
    "id": "8c0f4d52-6a1e-4b7c-9e3d-2f5a7b1c0d94",
    "orgId": "2f1d9c7e-3b4a-4e5f-8a6b-0c1d2e3f4a5b",
    "createdAt": "2025-06-19T18:41:02.118Z",
    "updatedAt": "2025-06-19T18:41:02.118Z",
    "type": "inboundPhoneCall",
    "status": "in-progress",
    "phoneCallProvider": "twilio",
    "phoneCallProviderId": "CA5e2d8f0b9a7c4e1d3f6a8b0c2e4d6f81",
    "phoneCallTransport": "pstn",
    "phoneNumberId": "b7e3c1a9-0d2f-4e8b-a6c4-1f3e5d7b9a02",
    "assistantId": "d4a2f6e8-1c3b-4a5d-9e7f-0b2c4d6e8f1a",
    "customer": {"number": "+14155550123"}
  },
  "customer": {"number": "+14155550123"},
  "phoneNumber": {
    "id": "b7e3c1a9-0d2f-4e8b-a6c4-1f3e5d7b9a02",
    "orgId": "2f1d9c7e-3b4a-4e5f-8a6b-0c1d2e3f4a5b",
    "number": "+14155559876",
    "provider": "twilio",
    "twilioAccountSid": "AC0a1b2c3d4e5f60718293a4b5c6d7e8f9",
    "name": "Café Lumière front desk",
    "createdAt": "2025-05-02T09:12:44.501Z",
    "updatedAt": "2025-06-01T16:20:10.002Z"
  },
  "metadata": {}
}
"""#

    /// A client exercising the OpenAI knobs FrontDesk does not interpret; each must reach the upstream
    /// unchanged (number literals byte-exact).
    static let openAIClientWithEveryKnob = #"""
{"model":"gpt-4o-mini","messages":[{"role":"developer","content":"Answer in one sentence."},{"role":"user","content":"What time do you close on Sundays?","name":"caller"}],"temperature":0.70,"top_p":1.0,"presence_penalty":0,"frequency_penalty":0.10,"max_tokens":256,"max_completion_tokens":300,"seed":12345678901234567890,"user":"caller-+14155550123","stop":["\nCaller:"],"logit_bias":{"50256":-100},"n":1,"response_format":{"type":"json_schema","json_schema":{"name":"answer","strict":true,"schema":{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"],"additionalProperties":false}}},"tool_choice":"auto","parallel_tool_calls":false,"service_tier":"auto","stream":false}
"""#
}

/// Recorded-style upstream answers.
enum ResponseFixtures {
    /// OpenAI `chat.completion` with two parallel tool calls.
    static let openAIChatCompletionWithToolCalls = #"""
{
  "id": "chatcmpl-BkVx3mQf8ZCkR2n7TqL4yWc9pA1dE",
  "object": "chat.completion",
  "created": 1750345678,
  "model": "gpt-4o-mini-2024-07-18",
  "choices": [
    {
      "index": 0,
      "message": {
        "role": "assistant",
        "content": null,
        "tool_calls": [
          {
            "id": "call_Qh3MZrV0b8kTn2xYpL6sWd1F",
            "type": "function",
            "function": {
              "name": "check_availability",
              "arguments": "{\"date\":\"2025-06-20\",\"time\":\"19:30\",\"party_size\":4}"
            }
          },
          {
            "id": "call_7yXcR2mKp9LbT4vNe1sQ0aJz",
            "type": "function",
            "function": {
              "name": "lookup_customer",
              "arguments": "{\"phone\":\"+14155550123\"}"
            }
          }
        ],
        "refusal": null,
        "annotations": []
      },
      "logprobs": null,
      "finish_reason": "tool_calls"
    }
  ],
  "usage": {
    "prompt_tokens": 412,
    "completion_tokens": 58,
    "total_tokens": 470,
    "prompt_tokens_details": {
      "cached_tokens": 0,
      "audio_tokens": 0
    },
    "completion_tokens_details": {
      "reasoning_tokens": 0,
      "audio_tokens": 0,
      "accepted_prediction_tokens": 0,
      "rejected_prediction_tokens": 0
    }
  },
  "service_tier": "default",
  "system_fingerprint": "fp_34a54ae93c"
}
"""#

    /// OpenAI's 400 for an over-long conversation.
    static let openAIContextLengthError = #"""
{
  "error": {
    "message": "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.",
    "type": "invalid_request_error",
    "param": "messages",
    "code": "context_length_exceeded"
  }
}
"""#

    /// OpenAI's 429 (no `param`).
    static let openAIRateLimitError = #"""
{"error":{"message":"Rate limit reached for gpt-4o-mini in organization org-8fQk2 on tokens per min (TPM): Limit 200000, Used 199412, Requested 1180. Please try again in 177ms.","type":"tokens","param":null,"code":"rate_limit_exceeded"}}
"""#

    /// llama.cpp `llama-server` error: numeric `code`.
    static let llamaCppError = #"""
{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error","n_prompt_tokens":9000,"n_ctx":8192}}
"""#

    /// vLLM's flat error shape (not OpenAI's nested one).
    static let vllmFlatError = #"""
{"object":"error","message":"This model's maximum context length is 8192 tokens. However, you requested 9000 tokens.","type":"BadRequestError","param":null,"code":400}
"""#
}
