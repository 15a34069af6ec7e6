/* The per-token rate limiter (a token bucket per API token) and the registration authorities' table. The
 * bucket arithmetic is pure; tokens_rate_take keeps the server's buckets in a fixed table under a mutex. */
#include "modules/tokens/tokens.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

const struct reg_authority reg_authorities[] = {
    {"market", "十堰市市场监督管理局", "市场监管"},
    {"civil", "十堰市民政局", "民政"},
    {"bianban", "十堰市委机构编制委员会办公室", "编办"},
    {"approval", "十堰市行政审批局", "行政审批"},
    {NULL, NULL, NULL},
};

const struct reg_authority *reg_authority_by_code(const char *code)
{
    for (int i = 0; code && reg_authorities[i].code; i++)
        if (strcmp(reg_authorities[i].code, code) == 0) return &reg_authorities[i];
    return NULL;
}

bool reg_authority_matches(const char *code, const char *pushed)
{
    const struct reg_authority *x = reg_authority_by_code(code);
    return x && pushed && (strcmp(pushed, x->code) == 0 || strcmp(pushed, x->name) == 0);
}

bool token_bucket_take(struct token_bucket *b, int64_t now_ms, int64_t per_minute, int64_t *retry_after_s)
{
    if (per_minute < 1) per_minute = 1;
    double cap = (double)per_minute, per_ms = (double)per_minute / 60000.0;
    if (b->last_ms == 0 || b->per_minute != per_minute) {
        /* First use, or the limit changed: start full rather than carry a level measured by another rate. */
        b->level = cap;
    } else if (now_ms > b->last_ms) {
        b->level += (double)(now_ms - b->last_ms) * per_ms;
        if (b->level > cap) b->level = cap;
    }
    b->last_ms = now_ms > 0 ? now_ms : 1;
    b->per_minute = per_minute;
    if (b->level >= 1.0) {
        b->level -= 1.0;
        return true;
    }
    if (retry_after_s) {
        double ms = (1.0 - b->level) / per_ms;
        int64_t s = (int64_t)(ms / 1000.0);
        if ((double)s * 1000.0 < ms) s++;
        *retry_after_s = s < 1 ? 1 : s;
    }
    return false;
}

#define BUCKET_SLOTS 4096

/* Slot i holds token id key; ids are sequential, so slots collide only beyond BUCKET_SLOTS live tokens, and a
 * collision merely starts the newcomer's bucket full. */
static struct {
    int64_t key;
    struct token_bucket b;
} buckets[BUCKET_SLOTS];
static pthread_mutex_t buckets_mu = PTHREAD_MUTEX_INITIALIZER;

bool tokens_rate_take(int64_t token_id, int64_t per_minute, int64_t *retry_after_s)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    unsigned i = (unsigned)((uint64_t)token_id % BUCKET_SLOTS);
    pthread_mutex_lock(&buckets_mu);
    if (buckets[i].key != token_id) {
        buckets[i].key = token_id;
        memset(&buckets[i].b, 0, sizeof buckets[i].b);
    }
    bool ok = token_bucket_take(&buckets[i].b, now_ms, per_minute, retry_after_s);
    pthread_mutex_unlock(&buckets_mu);
    return ok;
}
