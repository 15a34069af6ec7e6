/* The request deadline (see deadline.h): a list of the open connections, each with the moment its current
 * request's deadline started and whether that request is being answered, swept by one background thread. */
#include "http/deadline.h"

#include "core/log.h"
#include "core/worker.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

/* How often the sweeper looks: a connection is cut at most this much after its deadline. */
#define SWEEP_MS 250

struct tracked {
    struct tracked *prev, *next; /* under list_mu */
    int fd;
    _Atomic int64_t since_ms; /* monotonic: accepted, or the previous request ended */
    _Atomic bool answering;   /* the request is complete and its response not yet finished */
    bool cut;                 /* under list_mu: shut down already */
};

static pthread_mutex_t list_mu = PTHREAD_MUTEX_INITIALIZER;
static struct tracked *head;
static int64_t deadline_ms;
static _Atomic unsigned long ncut;

static int64_t mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void sweep(void)
{
    int64_t now = mono_ms();
    int n = 0;
    pthread_mutex_lock(&list_mu);
    for (struct tracked *t = head; t; t = t->next) {
        if (t->cut || atomic_load_explicit(&t->answering, memory_order_acquire)) continue;
        if (now - atomic_load_explicit(&t->since_ms, memory_order_acquire) <= deadline_ms) continue;
        /* shutdown, not close: the socket stays libmicrohttpd's, which sees end-of-file on its next read and
         * closes the connection itself. Holding list_mu keeps the entry (and so the socket number) alive. */
        shutdown(t->fd, SHUT_RDWR);
        t->cut = true;
        n++;
    }
    pthread_mutex_unlock(&list_mu);
    if (n) {
        atomic_fetch_add(&ncut, (unsigned long)n);
        log_msg(LOG_WARN, "request deadline: cut %d connection(s) that sent no complete request in %lld s", n,
                (long long)(deadline_ms / 1000));
    }
}

static void sweeper_main(struct worker *w)
{
    while (worker_sleep(w, SWEEP_MS))
        sweep();
}

static struct worker sweeper = WORKER_INIT(sweeper_main);

bool deadline_start(unsigned secs)
{
    deadline_ms = (int64_t)secs * 1000;
    return worker_start(&sweeper, NULL);
}

void deadline_stop(void)
{
    worker_stop(&sweeper);
}

unsigned long deadline_cuts(void)
{
    return atomic_load(&ncut);
}

void deadline_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                     enum MHD_ConnectionNotificationCode code)
{
    (void)cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        struct tracked *t = ci ? calloc(1, sizeof *t) : NULL;
        *socket_context = t;
        if (!t) return;
        t->fd = ci->connect_fd;
        atomic_init(&t->since_ms, mono_ms());
        atomic_init(&t->answering, false);
        pthread_mutex_lock(&list_mu);
        t->next = head;
        if (head) head->prev = t;
        head = t;
        pthread_mutex_unlock(&list_mu);
        return;
    }
    struct tracked *t = *socket_context;
    if (!t) return;
    pthread_mutex_lock(&list_mu);
    if (t->prev)
        t->prev->next = t->next;
    else
        head = t->next;
    if (t->next) t->next->prev = t->prev;
    pthread_mutex_unlock(&list_mu);
    free(t);
    *socket_context = NULL;
}

static struct tracked *tracked_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

void deadline_request_received(struct MHD_Connection *c)
{
    struct tracked *t = tracked_of(c);
    if (t) atomic_store_explicit(&t->answering, true, memory_order_release);
}

void deadline_request_done(struct MHD_Connection *c)
{
    struct tracked *t = tracked_of(c);
    if (!t) return;
    atomic_store_explicit(&t->since_ms, mono_ms(), memory_order_release);
    atomic_store_explicit(&t->answering, false, memory_order_release);
}
