#ifndef FRONTDESK_CCURL_SHIM_H
#define FRONTDESK_CCURL_SHIM_H
#include <curl/curl.h>

// curl_easy_setopt / curl_easy_getinfo / curl_multi_setopt are variadic C functions, which
// Swift cannot call. These typed wrappers are the whole bridge.
static inline CURLcode fd_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode fd_easy_setopt_ptr(CURL *h, CURLoption o, const void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode fd_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode fd_easy_setopt_write(CURL *h, size_t (*f)(char *, size_t, size_t, void *)) { return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, f); }
static inline CURLcode fd_easy_setopt_header(CURL *h, size_t (*f)(char *, size_t, size_t, void *)) { return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, f); }
static inline CURLcode fd_easy_setopt_xferinfo(CURL *h, int (*f)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t)) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, f); }
static inline CURLcode fd_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode fd_easy_getinfo_ptr(CURL *h, CURLINFO i, void **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLMcode fd_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
static inline CURLcode fd_easy_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }

// Macros Swift cannot import (they are expressions, not literals), as typed constants.
static inline size_t fd_writefunc_pause(void) { return CURL_WRITEFUNC_PAUSE; }
static inline int fd_pause_cont(void) { return CURLPAUSE_CONT; }
static inline int fd_error_size(void) { return CURL_ERROR_SIZE; }
static inline long fd_global_default(void) { return CURL_GLOBAL_DEFAULT; }

// CURLMsg's `data` is a union; reading the result through C keeps the Swift side free of layout guesses.
static inline CURLcode fd_msg_result(const CURLMsg *m) { return m->data.result; }
#endif
