/* Logging: one JSON object per line on stderr. Never pass bodies or personal data to these functions. */
#ifndef TUOYU_LOG_H
#define TUOYU_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };
void log_set_level(enum log_level l);
/* Logs {"ts":…,"level":…,"msg":msg}. msg is JSON-escaped. Thread-safe (one write per line). */
void log_msg(enum log_level l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Logs a prebuilt JSON object (without the braces' contents being checked); used by the request log. */
void log_json_line(const char *json_object);

#endif
