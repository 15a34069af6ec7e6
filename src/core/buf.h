/* A growable byte buffer on the heap, for building responses whose size is not known in advance.
 * The bytes are always NUL-terminated (the NUL is not counted in len). */
#ifndef TUOYU_BUF_H
#define TUOYU_BUF_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct buf {
    char *p;
    size_t len, cap;
};

#define BUF_INIT                                                                                             \
    {                                                                                                        \
        NULL, 0, 0                                                                                           \
    }
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Give the bytes to the caller (who frees them with free()) and leave b empty. Never NULL. */
char *buf_steal(struct buf *b, size_t *len);
void buf_free(struct buf *b);

/* One CSV cell (RFC 4180) followed by "," or, when last, by CRLF: quoted when it holds a comma, a quote or a
 * line break, with quotes doubled. NULL is an empty cell. */
void buf_csv_cell(struct buf *b, const char *s, bool last);

#endif
