/* Background threads of `tuoyu serve` that work in rounds and sleep between them (the daily jobs, the export
 * worker, the outbox): started with SIGTERM and SIGINT blocked, so the signals stay with the server's main
 * thread; woken early by worker_wake; stopped by worker_stop, which wakes and joins. */
#ifndef TUOYU_WORKER_H
#define TUOYU_WORKER_H
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct worker {
    void (*body)(struct worker *w); /* the thread: loops until worker_sleep returns false */
    void *ctx;                      /* for body */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool running, stopping, woken;
};
#define WORKER_INIT(fn)                                                                                      \
    {                                                                                                        \
        .body = (fn), .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER                        \
    }

/* Start body on a new thread. false when the thread could not be made. */
bool worker_start(struct worker *w, void *ctx);
/* Whether worker_stop has been called. */
bool worker_stopping(struct worker *w);
/* Sleep up to ms milliseconds, or until woken or stopped. Returns false when stopping. */
bool worker_sleep(struct worker *w, int64_t ms);
/* End the current or next sleep early. */
void worker_wake(struct worker *w);
/* Ask the thread to stop, wake it and wait for it. Does nothing when it is not running. */
void worker_stop(struct worker *w);

#endif
