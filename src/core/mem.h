/* The one allocation wrapper. Out of memory is not recoverable in a server that must not corrupt data
 * half-way through a request, so these abort with a message instead of returning NULL. */
#ifndef TUOYU_MEM_H
#define TUOYU_MEM_H
#include <stddef.h>

/* malloc/calloc/realloc/strdup that never return NULL. Caller frees with free(). */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
