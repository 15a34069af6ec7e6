/* Prometheus metrics: requests by route and status, a latency histogram, database errors. */
#include "core/buf.h"
#include "http/http.h"
#include "modules/institution/inst.h"

#include <pthread.h>
#include <string.h>

#define MAX_ROUTES 128
#define NSTATUS    6 /* 1xx..5xx by hundreds, index 0 unused */
static const double buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
#define NB (sizeof buckets / sizeof buckets[0])

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned long long counts[MAX_ROUTES + 1][NSTATUS];
static unsigned long long hist[NB + 1];
static double sum_seconds;
static unsigned long long nobs, db_errors;

void metrics_observe(unsigned route_index, unsigned status, double seconds)
{
    unsigned ri = route_index < MAX_ROUTES && route_index < (unsigned)nroutes ? route_index : MAX_ROUTES;
    unsigned si = status / 100 < NSTATUS ? status / 100 : 0;
    size_t b = 0;
    while (b < NB && seconds > buckets[b])
        b++;
    pthread_mutex_lock(&mu);
    counts[ri][si]++;
    hist[b]++;
    sum_seconds += seconds;
    nobs++;
    pthread_mutex_unlock(&mu);
}

void metrics_db_error(void)
{
    pthread_mutex_lock(&mu);
    db_errors++;
    pthread_mutex_unlock(&mu);
}

char *metrics_render(size_t *len)
{
    struct buf b = BUF_INIT;
    pthread_mutex_lock(&mu);
    buf_adds(&b, "# HELP tuoyu_http_requests_total HTTP requests by route and status class.\n"
                 "# TYPE tuoyu_http_requests_total counter\n");
    for (unsigned i = 0; i <= MAX_ROUTES; i++)
        for (unsigned s = 1; s < NSTATUS; s++) {
            if (!counts[i][s]) continue;
            const char *method = i < (unsigned)nroutes ? routes[i].method : "-";
            const char *pattern = i < (unsigned)nroutes ? routes[i].pattern : "unmatched";
            buf_printf(&b, "tuoyu_http_requests_total{method=\"%s\",route=\"%s\",status=\"%uxx\"} %llu\n",
                       method, pattern, s, counts[i][s]);
        }
    buf_adds(&b, "# HELP tuoyu_http_request_duration_seconds Time to answer a request.\n"
                 "# TYPE tuoyu_http_request_duration_seconds histogram\n");
    unsigned long long cum = 0;
    for (size_t i = 0; i < NB; i++) {
        cum += hist[i];
        buf_printf(&b, "tuoyu_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", buckets[i], cum);
    }
    cum += hist[NB];
    buf_printf(&b, "tuoyu_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
    buf_printf(&b, "tuoyu_http_request_duration_seconds_sum %.6f\n", sum_seconds);
    buf_printf(&b, "tuoyu_http_request_duration_seconds_count %llu\n", nobs);
    buf_printf(&b,
               "# HELP tuoyu_db_errors_total Database errors seen by requests.\n"
               "# TYPE tuoyu_db_errors_total counter\ntuoyu_db_errors_total %llu\n",
               db_errors);
    pthread_mutex_unlock(&mu);
    return buf_steal(&b, len);
}

enum err health_api(struct req *r, struct resp *out)
{
    int64_t one = 0;
    enum err e = db_int_query(r->db, "SELECT 1", NULL, 0, &one);
    if (e != OK) return ERR_DB_SOFT;
    return resp_json(r, out, 200, json_pack("{s:s}", "status", "ok"));
}

enum err metrics_api(struct req *r, struct resp *out)
{
    size_t len;
    out->body = metrics_render(&len);
    out->len = len;
    out->status = 200;
    out->content_type = "text/plain; version=0.0.4; charset=utf-8";
    (void)r;
    return OK;
}
