/* The one HTML writer. Everything that reaches a page goes through a function named by its context:
 * html_text (element content), html_attr (a quoted attribute value), html_url (a URL component inside a
 * quoted attribute). Markup itself can only be written from string literals (html_lit), so a runtime string
 * cannot reach a page unescaped: html_lit(h, name) does not compile when name is a variable. */
#ifndef TUOYU_HTML_H
#define TUOYU_HTML_H
#include "core/buf.h"

#include <stdint.h>

struct html {
    struct buf b;
};

/* Markup from a literal. The "" concatenation makes the compiler refuse anything but a string literal. */
#define html_lit(h, s) html_lit_((h), "" s "", sizeof(s) - 1)
void html_lit_(struct html *h, const char *s, size_t n);
/* Text content: escapes & < > " ' . NULL writes nothing. */
void html_text(struct html *h, const char *s);
void html_textn(struct html *h, const char *s, size_t n);
/* ` name="value"` with value escaped for a double-quoted attribute; name must be a literal. */
#define html_attr(h, name, value) html_attr_((h), " " name "=\"", sizeof(" " name "=\"") - 1, (value))
void html_attr_(struct html *h, const char *prefix, size_t prefix_len, const char *value);
/* A URL component (path segment or query value): percent-encodes every byte but A-Z a-z 0-9 - . _ ~ .
 * Safe inside a quoted attribute opened by html_lit. */
void html_url(struct html *h, const char *s);
/* Numbers: integer; money in fen shown as yuan with two decimals; a day count as YYYY-MM-DD; a time
 * (epoch seconds) as YYYY-MM-DD HH:MM in China time. */
void html_int(struct html *h, int64_t v);
void html_yuan(struct html *h, int64_t fen);
void html_date(struct html *h, int64_t days);
void html_time(struct html *h, int64_t t);
/* The finished page: caller frees with free(). */
char *html_steal(struct html *h, size_t *len);
void html_free(struct html *h);

#endif
