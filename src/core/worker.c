#include "core/worker.h"

#include <signal.h>
#include <time.h>

static void *trampoline(void *arg)
{
    struct worker *w = arg;
    w->body(w);
    return NULL;
}

bool worker_start(struct worker *w, void *ctx)
{
    w->ctx = ctx;
    pthread_mutex_lock(&w->mu);
    w->stopping = false;
    w->woken = false;
    pthread_mutex_unlock(&w->mu);
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    w->running = pthread_create(&w->thread, NULL, trampoline, w) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return w->running;
}

bool worker_stopping(struct worker *w)
{
    pthread_mutex_lock(&w->mu);
    bool s = w->stopping;
    pthread_mutex_unlock(&w->mu);
    return s;
}

bool worker_sleep(struct worker *w, int64_t ms)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += (time_t)(ms / 1000);
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&w->mu);
    while (!w->stopping && !w->woken && pthread_cond_timedwait(&w->cv, &w->mu, &until) == 0) {
    }
    w->woken = false;
    bool go_on = !w->stopping;
    pthread_mutex_unlock(&w->mu);
    return go_on;
}

void worker_wake(struct worker *w)
{
    pthread_mutex_lock(&w->mu);
    w->woken = true;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

void worker_stop(struct worker *w)
{
    if (!w->running) return;
    pthread_mutex_lock(&w->mu);
    w->stopping = true;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    w->running = false;
}
