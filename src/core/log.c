#include "core/log.h"

#include "core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static enum log_level min_level = LOG_INFO;
static const char *names[] = {"debug", "info", "warn", "error"};

void log_set_level(enum log_level l)
{
    min_level = l;
}

void log_json_line(const char *json_object)
{
    struct buf b = BUF_INIT;
    buf_adds(&b, json_object);
    buf_addc(&b, '\n');
    /* One write() per line keeps lines whole when threads log at once. */
    ssize_t w = write(2, b.p, b.len);
    (void)w;
    buf_free(&b);
}

void log_msg(enum log_level l, const char *fmt, ...)
{
    if (l < min_level) return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct buf b = BUF_INIT;
    buf_printf(&b, "{\"ts\":%lld,\"level\":\"%s\",\"msg\":\"", (long long)time(NULL), names[l]);
    for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
        if (*p == '"' || *p == '\\')
            buf_printf(&b, "\\%c", *p);
        else if (*p < 0x20)
            buf_printf(&b, "\\u%04x", *p);
        else
            buf_addc(&b, (char)*p);
    }
    buf_adds(&b, "\"}");
    log_json_line(b.p);
    buf_free(&b);
}
