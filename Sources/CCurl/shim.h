#ifndef FRONTDESK_CCURL_SHIM_H
#define FRONTDESK_CCURL_SHIM_H
#include <curl/curl.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

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
static inline CURLMcode fd_multi_setopt_ptr(CURLM *m, CURLMoption o, void *v) { return curl_multi_setopt(m, o, v); }
static inline CURLMcode fd_multi_setopt_socketfunction(CURLM *m, int (*f)(CURL *, curl_socket_t, int, void *, void *)) { return curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, f); }
static inline CURLMcode fd_multi_setopt_timerfunction(CURLM *m, int (*f)(CURLM *, long, void *)) { return curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, f); }
static inline CURLcode fd_easy_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }

// Macros Swift cannot import (they are expressions, not literals), as typed constants.
static inline size_t fd_writefunc_pause(void) { return CURL_WRITEFUNC_PAUSE; }
static inline int fd_pause_cont(void) { return CURLPAUSE_CONT; }
static inline int fd_error_size(void) { return CURL_ERROR_SIZE; }
static inline long fd_global_default(void) { return CURL_GLOBAL_DEFAULT; }

static inline curl_socket_t fd_socket_timeout(void) { return CURL_SOCKET_TIMEOUT; }

// The upstream driver's own event loop (epoll and an eventfd to wake it). epoll_event is a
// packed struct around a union: these wrappers keep it on the C side.
static inline int fd_epoll_set(int epfd, int op, int fd, uint32_t events) {
    struct epoll_event event;
    event.events = events;
    event.data.u64 = 0;
    event.data.fd = fd;
    return epoll_ctl(epfd, op, fd, &event);
}
/// Waits for up to `max` (≤ 256) ready descriptors; fills `fds` and `events`; returns the count or -1.
static inline int fd_epoll_wait(int epfd, int *fds, uint32_t *events, int max, int timeout_ms) {
    struct epoll_event ready[256];
    if (max > 256) max = 256;
    int count = epoll_wait(epfd, ready, max, timeout_ms);
    for (int i = 0; i < count; i++) { fds[i] = ready[i].data.fd; events[i] = ready[i].events; }
    return count;
}
static inline uint32_t fd_epollin(void) { return EPOLLIN; }
static inline uint32_t fd_epollout(void) { return EPOLLOUT; }
static inline uint32_t fd_epollerr(void) { return EPOLLERR | EPOLLHUP; }

// CURLMsg's `data` is a union; reading the result through C keeps the Swift side free of layout guesses.
static inline CURLcode fd_msg_result(const CURLMsg *m) { return m->data.result; }
#endif
