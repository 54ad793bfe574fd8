/// Recorded-style `text/event-stream` bodies from four upstream servers. All four carry the same two
/// tool calls (`check_availability`, `lookup_customer`), so they must assemble to identical calls.
/// Each literal ends with `data: [DONE]`; `+ "\n\n"` adds the terminating blank line.
enum StreamFixtures {
    /// OpenAI (`gpt-4o-mini`) with `stream_options.include_usage`: role chunk, content
    /// chunks, each tool call's name once then argument fragments, finish chunk, usage chunk with `choices: []`.
    static let openAIToolCallStream = #"""
data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"content":"One moment"},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"content":" while I check"},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"content":" Café Lumière’s book"},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"content":" 🍷."},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_Qh3MZrV0b8kTn2xYpL6sWd1F","type":"function","function":{"name":"check_availability","arguments":""}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\""}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"date"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\":\""}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"202"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"5"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"-06"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"-20"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\",\""}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"time"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\":\""}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"19"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":":30"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\",\""}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"party"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"_size"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\":"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"4"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"}"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_7yXcR2mKp9LbT4vNe1sQ0aJz","type":"function","function":{"name":"lookup_customer","arguments":""}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\""}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"phone"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"\":\""}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"+141"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"555"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"501"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"23"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"\"}"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"usage":null}

data: {"id":"chatcmpl-BkVy7LwQ3tZpR9sXn2mC4aF0eH6jD","object":"chat.completion.chunk","created":1750345690,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[],"usage":{"prompt_tokens":412,"completion_tokens":58,"total_tokens":470,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}

data: [DONE]
"""# + "\n\n"

    /// llama.cpp `llama-server` (Qwen 2.5 GGUF): the id and function name are repeated in
    /// every tool-call delta; usage and `timings` ride on the finish chunk.
    static let llamaCppRepeatedNameStream = #"""
data: {"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_Qh3MZrV0b8kTn2xYpL6sWd1F","type":"function","function":{"name":"check_availability","arguments":"{\""}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_Qh3MZrV0b8kTn2xYpL6sWd1F","type":"function","function":{"name":"check_availability","arguments":"date"}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_Qh3MZrV0b8kTn2xYpL6sWd1F","type":"function","function":{"name":"check_availability","arguments":"\":\""}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_Qh3MZrV0b8kTn2xYpL6sWd1F","type":"function","function":{"name":"check_availability","arguments":"202"}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_Qh3MZrV0b8kTn2xYpL6sWd1F","type":"function","function":{"name":"check_availability","arguments":"5"}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_Qh3MZrV0b8kTn2xYpL6sWd1F","type":"function","function":{"name":"check_availability","arguments":"-06"}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_Qh3MZrV0b8kTn2xYpL6sWd1F","type":"function","function":{"name":"check_availability","arguments":"-20"}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_Qh3MZrV0b8kTn2xYpL6sWd1F","type":"function","function":{"name":"check_availability","arguments":"\",\""}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_Qh3MZrV0b8kTn2xYpL6sWd1F","type":"function","function":{"name":"check_availability","arguments":"time"}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_Qh3MZrV0b8kTn2xYpL6sWd1F","type":"function","function":{"name":"check_availability","arguments":"\":\""}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_Qh3MZrV0b8kTn2xYpL6sWd1F","type":"function","function":{"name":"check_availability","arguments":"19"}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_Qh3MZrV0b8kTn2xYpL6sWd1F","type":"function","function":{"name":"check_availability","arguments":":30"}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_Qh3MZrV0b8kTn2xYpL6sWd1F","type":"function","function":{"name":"check_availability","arguments":"\",\""}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_Qh3MZrV0b8kTn2xYpL6sWd1F","type":"function","function":{"name":"check_availability","arguments":"party"}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_Qh3MZrV0b8kTn2xYpL6sWd1F","type":"function","function":{"name":"check_availability","arguments":"_size"}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_Qh3MZrV0b8kTn2xYpL6sWd1F","type":"function","function":{"name":"check_availability","arguments":"\":"}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_Qh3MZrV0b8kTn2xYpL6sWd1F","type":"function","function":{"name":"check_availability","arguments":"4"}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_Qh3MZrV0b8kTn2xYpL6sWd1F","type":"function","function":{"name":"check_availability","arguments":"}"}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_7yXcR2mKp9LbT4vNe1sQ0aJz","type":"function","function":{"name":"lookup_customer","arguments":"{\""}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_7yXcR2mKp9LbT4vNe1sQ0aJz","type":"function","function":{"name":"lookup_customer","arguments":"phone"}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_7yXcR2mKp9LbT4vNe1sQ0aJz","type":"function","function":{"name":"lookup_customer","arguments":"\":\""}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_7yXcR2mKp9LbT4vNe1sQ0aJz","type":"function","function":{"name":"lookup_customer","arguments":"+141"}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_7yXcR2mKp9LbT4vNe1sQ0aJz","type":"function","function":{"name":"lookup_customer","arguments":"555"}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_7yXcR2mKp9LbT4vNe1sQ0aJz","type":"function","function":{"name":"lookup_customer","arguments":"501"}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_7yXcR2mKp9LbT4vNe1sQ0aJz","type":"function","function":{"name":"lookup_customer","arguments":"23"}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_7yXcR2mKp9LbT4vNe1sQ0aJz","type":"function","function":{"name":"lookup_customer","arguments":"\"}"}}]}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk"}

data: {"choices":[{"finish_reason":"tool_calls","index":0,"delta":{}}],"created":1750345712,"id":"chatcmpl-Xq0rUe2y8oPzJ4dV6fGt1bNs","model":"Qwen2.5-7B-Instruct-Q4_K_M.gguf","system_fingerprint":"b5710-c0d3f1a2","object":"chat.completion.chunk","usage":{"completion_tokens":61,"prompt_tokens":388,"total_tokens":449},"timings":{"prompt_n":388,"prompt_ms":211.4,"prompt_per_token_ms":0.545,"prompt_per_second":1835.4,"predicted_n":61,"predicted_ms":812.7,"predicted_per_token_ms":13.32,"predicted_per_second":75.06}}

data: [DONE]
"""# + "\n\n"

    /// Ollama's OpenAI-compatible endpoint: both whole calls arrive in a single delta, without `index`.
    static let wholeCallInOneDeltaStream = #"""
data: {"id":"chatcmpl-412","object":"chat.completion.chunk","created":1750345730,"model":"llama3.1:8b","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"","tool_calls":[{"id":"call_Qh3MZrV0b8kTn2xYpL6sWd1F","type":"function","function":{"name":"check_availability","arguments":"{\"date\":\"2025-06-20\",\"time\":\"19:30\",\"party_size\":4}"}},{"id":"call_7yXcR2mKp9LbT4vNe1sQ0aJz","type":"function","function":{"name":"lookup_customer","arguments":"{\"phone\":\"+14155550123\"}"}}]},"finish_reason":null}]}

data: {"id":"chatcmpl-412","object":"chat.completion.chunk","created":1750345730,"model":"llama3.1:8b","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"tool_calls"}]}

data: [DONE]
"""# + "\n\n"

    /// vLLM with parallel tool calls: two calls' argument fragments interleaved, told apart by `index`.
    static let interleavedToolCallStream = #"""
data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_Qh3MZrV0b8kTn2xYpL6sWd1F","type":"function","function":{"name":"check_availability","arguments":""}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_7yXcR2mKp9LbT4vNe1sQ0aJz","type":"function","function":{"name":"lookup_customer","arguments":""}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\""}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\""}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"date"}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"phone"}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\":\""}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"\":\""}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"202"}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"+141"}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"5"}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"555"}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"-06"}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"501"}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"-20"}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"23"}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\",\""}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"\"}"}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"time"}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\":\""}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"19"}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":":30"}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\",\""}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"party"}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"_size"}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\":"}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"4"}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"}"}}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}]}

data: {"id":"chatcmpl-9c1f0b7e2d4a4e0f8b6a5d3c2e1f0a9b","object":"chat.completion.chunk","created":1750345744,"model":"meta-llama/Llama-3.3-70B-Instruct","choices":[],"usage":{"prompt_tokens":402,"total_tokens":463,"completion_tokens":61,"prompt_tokens_details":null}}

data: [DONE]
"""# + "\n\n"

}
