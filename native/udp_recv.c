/*
 * thump's batched UDP receiver (Linux). One recvmmsg(2) call takes up to BATCH datagrams
 * into a buffer shared with JavaScript; JavaScript is called once per batch, not once per
 * datagram as with node:dgram. The socket is watched with a libuv poll handle on Node's own
 * event loop, so there are no threads and no locking: the JS callback runs exactly like a
 * 'message' handler would, only with a batch.
 *
 * Shared memory layout (allocated by JS, kept alive by references held here):
 *   data: BATCH slots of SLOT bytes; datagram i is at i*SLOT, length meta[i*META].
 *   meta: BATCH records of META uint32: len, flags (1 = truncated), port, family (4|6),
 *         scope id (IPv6), address (IPv4: one uint32 in host order; IPv6: 16 raw bytes in
 *         the next four words); then one trailing word: the kernel's cumulative count of
 *         datagrams dropped because the receive buffer was full (SO_RXQ_OVFL).
 *
 * Exports: open(family, host, port, rcvbuf, ipv6Only, data, meta) -> handle; start(handle,
 * onBatch(count)); join(handle, group, iface); localPort(handle); recvBufferSize(handle);
 * close(handle); constants BATCH, SLOT, META. Errors are thrown with `code` set to the errno
 * name (EADDRINUSE, EACCES...) and `syscall`.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#define BATCH 128
#define SLOT 1024
#define META 9
#define MAX_ROUNDS 16 /* batches per readiness event before yielding to timers */

#ifndef SO_RXQ_OVFL
#define SO_RXQ_OVFL 40
#endif

typedef struct {
  napi_env env;
  int fd;
  int family;
  int poll_init;  /* uv_poll_init done: the handle must go through uv_close */
  int closing;    /* close() called */
  int closed;     /* uv close callback ran (or never initialised) */
  int finalized;  /* JS handle collected */
  int hooked;     /* env cleanup hook registered */
  uv_poll_t poll;
  napi_ref cb, data_ref, meta_ref;
  napi_async_context actx;
  uint8_t *data;
  uint32_t *meta;
  uint32_t drops;
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  struct sockaddr_storage addrs[BATCH];
  char ctrl[BATCH][CMSG_SPACE(sizeof(uint32_t))];
} Rx;

static napi_value throw_errno(napi_env env, const char *syscall, int err) {
  const char *code = uv_err_name(uv_translate_sys_error(err));
  char msg[256];
  snprintf(msg, sizeof msg, "%s %s: %s", syscall, code, strerror(err));
  napi_value m, c, s, e;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &m);
  napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &c);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &s);
  napi_create_error(env, c, m, &e);
  napi_set_named_property(env, e, "syscall", s);
  napi_value no;
  napi_create_int32(env, err, &no);
  napi_set_named_property(env, e, "errno", no);
  napi_throw(env, e);
  return NULL;
}

static napi_value throw_type(napi_env env, const char *msg) {
  napi_throw_type_error(env, NULL, msg);
  return NULL;
}

static void release_refs(Rx *rx) {
  napi_env env = rx->env;
  if (rx->cb) napi_delete_reference(env, rx->cb), rx->cb = NULL;
  if (rx->data_ref) napi_delete_reference(env, rx->data_ref), rx->data_ref = NULL;
  if (rx->meta_ref) napi_delete_reference(env, rx->meta_ref), rx->meta_ref = NULL;
  if (rx->actx) napi_async_destroy(env, rx->actx), rx->actx = NULL;
}

static void on_closed(uv_handle_t *h) {
  Rx *rx = h->data;
  rx->closed = 1;
  if (rx->finalized) free(rx);
}

/* Stops polling and closes the socket (no JS involved). Idempotent. */
static void shutdown_socket(Rx *rx) {
  if (rx->closing) return;
  rx->closing = 1;
  if (rx->poll_init) {
    uv_poll_stop(&rx->poll);
    uv_close((uv_handle_t *)&rx->poll, on_closed);
  } else {
    rx->closed = 1;
  }
  if (rx->fd >= 0) close(rx->fd), rx->fd = -1;
}

/* The environment (main thread or a worker) is going away with the socket still open. */
static void cleanup_hook(void *arg) {
  Rx *rx = arg;
  rx->hooked = 0;
  shutdown_socket(rx);
}

static void unhook(Rx *rx) {
  if (rx->hooked) napi_remove_env_cleanup_hook(rx->env, cleanup_hook, rx), rx->hooked = 0;
}

/* close() from JS: the socket, and the JS references. */
static void rx_close(Rx *rx) {
  unhook(rx);
  shutdown_socket(rx);
  release_refs(rx);
}

static void finalize(napi_env env, void *data, void *hint) {
  Rx *rx = data;
  rx->finalized = 1;
  unhook(rx);
  /* Collected without close(): close the socket now. The references go with the env. */
  shutdown_socket(rx);
  if (rx->closed) free(rx);
}

static Rx *get_rx(napi_env env, napi_value v) {
  void *p = NULL;
  if (napi_get_value_external(env, v, &p) != napi_ok || p == NULL) {
    throw_type(env, "expected a thump_udp handle");
    return NULL;
  }
  return p;
}

/* The handle passed as the only argument of localPort/recvBufferSize/close (throws if absent). */
static Rx *handle_arg(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1) {
    throw_type(env, "expected a thump_udp handle");
    return NULL;
  }
  return get_rx(env, argv[0]);
}

/* Fills the meta record of datagram i from the kernel's message header. */
static void fill_meta(Rx *rx, int i) {
  struct msghdr *h = &rx->msgs[i].msg_hdr;
  uint32_t *m = rx->meta + (size_t)i * META;
  m[0] = rx->msgs[i].msg_len;
  m[1] = (h->msg_flags & MSG_TRUNC) ? 1 : 0;
  const struct sockaddr *sa = (const struct sockaddr *)&rx->addrs[i];
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in *a = (const struct sockaddr_in *)sa;
    m[2] = ntohs(a->sin_port);
    m[3] = 4;
    m[4] = 0;
    m[5] = ntohl(a->sin_addr.s_addr);
  } else {
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)sa;
    m[2] = ntohs(a->sin6_port);
    m[3] = 6;
    m[4] = a->sin6_scope_id;
    memcpy(&m[5], &a->sin6_addr, 16);
  }
  for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c != NULL; c = CMSG_NXTHDR(h, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
      memcpy(&rx->drops, CMSG_DATA(c), sizeof(uint32_t));
    }
  }
}

static void on_readable(uv_poll_t *handle, int status, int events) {
  Rx *rx = handle->data;
  if (rx->closing || status < 0) return;
  napi_env env = rx->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value cb, recv;
  napi_get_reference_value(env, rx->cb, &cb);
  napi_get_global(env, &recv); /* napi_make_callback needs an object receiver */
  for (int round = 0; round < MAX_ROUNDS && !rx->closing; round++) {
    for (int i = 0; i < BATCH; i++) {
      struct msghdr *h = &rx->msgs[i].msg_hdr;
      h->msg_name = &rx->addrs[i];
      h->msg_namelen = sizeof rx->addrs[i];
      h->msg_iov = &rx->iov[i];
      h->msg_iovlen = 1;
      h->msg_control = rx->ctrl[i];
      h->msg_controllen = sizeof rx->ctrl[i];
      h->msg_flags = 0;
    }
    int n = recvmmsg(rx->fd, rx->msgs, BATCH, MSG_DONTWAIT, NULL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break; /* EAGAIN: drained; other errors: nothing to read now */
    for (int i = 0; i < n; i++) fill_meta(rx, i);
    rx->meta[(size_t)BATCH * META] = rx->drops;
    napi_value argv[1], result;
    napi_create_int32(env, n, &argv[0]);
    napi_status st = napi_make_callback(env, rx->actx, recv, cb, 1, argv, &result);
    if (st == napi_pending_exception) {
      napi_value err;
      napi_get_and_clear_last_exception(env, &err);
      napi_fatal_exception(env, err);
      break;
    }
    if (n < BATCH) break;
  }
  napi_close_handle_scope(env, scope);
}

/* open(family, host, port, rcvbuf, ipv6Only, data: Buffer, meta: Uint32Array) -> handle */
static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 7) return throw_type(env, "open: expected 7 arguments");
  int32_t family = 0, port = 0, rcvbuf = 0;
  bool v6only = false;
  char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
  size_t hostLen = 0;
  if (napi_get_value_int32(env, argv[0], &family) != napi_ok || (family != 4 && family != 6))
    return throw_type(env, "open: family must be 4 or 6");
  if (napi_get_value_string_utf8(env, argv[1], host, sizeof host, &hostLen) != napi_ok)
    return throw_type(env, "open: host must be a string");
  if (napi_get_value_int32(env, argv[2], &port) != napi_ok || port < 0 || port > 65535)
    return throw_type(env, "open: port must be 0..65535");
  napi_get_value_int32(env, argv[3], &rcvbuf);
  napi_get_value_bool(env, argv[4], &v6only);
  void *data = NULL, *meta = NULL;
  size_t dataLen = 0, metaLen = 0;
  napi_typedarray_type tt;
  napi_value ab;
  size_t off;
  if (napi_get_buffer_info(env, argv[5], &data, &dataLen) != napi_ok || dataLen < (size_t)BATCH * SLOT)
    return throw_type(env, "open: data must be a Buffer of BATCH*SLOT bytes");
  if (napi_get_typedarray_info(env, argv[6], &tt, &metaLen, &meta, &ab, &off) != napi_ok ||
      tt != napi_uint32_array || metaLen < (size_t)BATCH * META + 1)
    return throw_type(env, "open: meta must be a Uint32Array of BATCH*META+1 words");

  struct addrinfo hints = {0}, *res = NULL;
  hints.ai_family = family == 6 ? AF_INET6 : AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
  int gai = getaddrinfo(host, NULL, &hints, &res);
  if (gai != 0 || res == NULL) return throw_errno(env, "getaddrinfo", EADDRNOTAVAIL);

  int fd = socket(hints.ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    int e = errno;
    freeaddrinfo(res);
    return throw_errno(env, "socket", e);
  }
  int one = 1, flag = v6only ? 1 : 0;
  if (family == 6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &flag, sizeof flag);
  setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one); /* best effort: drop counter */
  if (rcvbuf > 0) {
    /* Privileged: SO_RCVBUFFORCE ignores net.core.rmem_max. Otherwise the kernel caps it. */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) != 0)
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  }
  struct sockaddr_storage ss;
  memcpy(&ss, res->ai_addr, res->ai_addrlen);
  socklen_t sl = res->ai_addrlen;
  freeaddrinfo(res);
  if (family == 6) ((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
  else ((struct sockaddr_in *)&ss)->sin_port = htons(port);
  if (bind(fd, (struct sockaddr *)&ss, sl) != 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, "bind", e);
  }

  Rx *rx = calloc(1, sizeof(Rx));
  if (rx == NULL) {
    close(fd);
    return throw_errno(env, "calloc", ENOMEM);
  }
  rx->env = env;
  rx->fd = fd;
  rx->family = family;
  rx->data = data;
  rx->meta = meta;
  napi_create_reference(env, argv[5], 1, &rx->data_ref);
  napi_create_reference(env, argv[6], 1, &rx->meta_ref);
  for (int i = 0; i < BATCH; i++) {
    rx->iov[i].iov_base = rx->data + (size_t)i * SLOT;
    rx->iov[i].iov_len = SLOT;
  }
  napi_add_env_cleanup_hook(env, cleanup_hook, rx);
  rx->hooked = 1;
  napi_value ext;
  napi_create_external(env, rx, finalize, NULL, &ext);
  return ext;
}

/* start(handle, onBatch) */
static napi_value js_start(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2) return throw_type(env, "start: expected (handle, onBatch)");
  Rx *rx = get_rx(env, argv[0]);
  if (rx == NULL) return NULL;
  if (rx->closing) return throw_errno(env, "start", EBADF);
  if (rx->poll_init) return throw_type(env, "start: already started");
  napi_valuetype t;
  napi_typeof(env, argv[1], &t);
  if (t != napi_function) return throw_type(env, "start: onBatch must be a function");
  napi_create_reference(env, argv[1], 1, &rx->cb);
  napi_value name;
  napi_create_string_utf8(env, "thump:udp", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &rx->actx);
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  int r = uv_poll_init(loop, &rx->poll, rx->fd);
  if (r != 0) return throw_errno(env, "uv_poll_init", -r);
  rx->poll_init = 1;
  rx->poll.data = rx;
  r = uv_poll_start(&rx->poll, UV_READABLE, on_readable);
  if (r != 0) return throw_errno(env, "uv_poll_start", -r);
  return NULL;
}

/* join(handle, group, iface?) : IPv4 iface = local address; IPv6 iface = "...%name" or "". */
static napi_value js_join(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3) return throw_type(env, "join: expected (handle, group, iface)");
  Rx *rx = get_rx(env, argv[0]);
  if (rx == NULL) return NULL;
  char group[INET6_ADDRSTRLEN + 1], iface[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
  size_t n;
  if (napi_get_value_string_utf8(env, argv[1], group, sizeof group, &n) != napi_ok)
    return throw_type(env, "join: group must be a string");
  if (napi_get_value_string_utf8(env, argv[2], iface, sizeof iface, &n) != napi_ok)
    return throw_type(env, "join: iface must be a string");
  if (rx->family == 4) {
    struct ip_mreq mr = {0};
    if (inet_pton(AF_INET, group, &mr.imr_multiaddr) != 1) return throw_errno(env, "inet_pton", EINVAL);
    mr.imr_interface.s_addr = htonl(INADDR_ANY);
    if (iface[0] && inet_pton(AF_INET, iface, &mr.imr_interface) != 1)
      return throw_errno(env, "inet_pton", EINVAL);
    if (setsockopt(rx->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof mr) != 0)
      return throw_errno(env, "setsockopt IP_ADD_MEMBERSHIP", errno);
  } else {
    struct ipv6_mreq mr = {0};
    if (inet_pton(AF_INET6, group, &mr.ipv6mr_multiaddr) != 1) return throw_errno(env, "inet_pton", EINVAL);
    const char *pct = strchr(iface, '%');
    if (pct != NULL) {
      mr.ipv6mr_interface = if_nametoindex(pct + 1);
      if (mr.ipv6mr_interface == 0) mr.ipv6mr_interface = (unsigned)strtoul(pct + 1, NULL, 10);
      if (mr.ipv6mr_interface == 0) return throw_errno(env, "if_nametoindex", ENODEV);
    }
    if (setsockopt(rx->fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof mr) != 0)
      return throw_errno(env, "setsockopt IPV6_JOIN_GROUP", errno);
  }
  return NULL;
}

static napi_value js_local_port(napi_env env, napi_callback_info info) {
  napi_value out;
  Rx *rx = handle_arg(env, info);
  if (rx == NULL) return NULL;
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  if (getsockname(rx->fd, (struct sockaddr *)&ss, &sl) != 0) return throw_errno(env, "getsockname", errno);
  int port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                      : ntohs(((struct sockaddr_in *)&ss)->sin_port);
  napi_create_int32(env, port, &out);
  return out;
}

static napi_value js_recv_buffer_size(napi_env env, napi_callback_info info) {
  napi_value out;
  Rx *rx = handle_arg(env, info);
  if (rx == NULL) return NULL;
  int v = 0;
  socklen_t sl = sizeof v;
  if (getsockopt(rx->fd, SOL_SOCKET, SO_RCVBUF, &v, &sl) != 0) return throw_errno(env, "getsockopt", errno);
  napi_create_int32(env, v, &out);
  return out;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  Rx *rx = handle_arg(env, info);
  if (rx == NULL) return NULL;
  rx_close(rx);
  return NULL;
}

static void export_fn(napi_env env, napi_value exports, const char *name, napi_callback fn) {
  napi_value f;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, NULL, &f);
  napi_set_named_property(env, exports, name, f);
}

static void export_int(napi_env env, napi_value exports, const char *name, int v) {
  napi_value n;
  napi_create_int32(env, v, &n);
  napi_set_named_property(env, exports, name, n);
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  export_fn(env, exports, "open", js_open);
  export_fn(env, exports, "start", js_start);
  export_fn(env, exports, "join", js_join);
  export_fn(env, exports, "localPort", js_local_port);
  export_fn(env, exports, "recvBufferSize", js_recv_buffer_size);
  export_fn(env, exports, "close", js_close);
  export_int(env, exports, "BATCH", BATCH);
  export_int(env, exports, "SLOT", SLOT);
  export_int(env, exports, "META", META);
  return exports;
}
