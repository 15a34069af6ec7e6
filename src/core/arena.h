/* A per-request arena: everything a request allocates comes from here and is released at once when the
 * response has been queued. Blocks are chained; nothing is freed individually. Not thread-safe: one arena
 * belongs to one request (or one command) at a time. */
#ifndef TUOYU_ARENA_H
#define TUOYU_ARENA_H
#include <stdarg.h>
#include <stddef.h>

struct arena_block;
struct arena {
    struct arena_block *head;
    size_t block_size;
};

/* Initialise an empty arena; first allocation takes a block of block_size (0 → 16 KiB). */
void arena_init(struct arena *a, size_t block_size);
/* Free every block. The arena may be reused after arena_init. */
void arena_free(struct arena *a);
/* Release all but the first block and make it empty again, for reuse by the next request. */
void arena_reset(struct arena *a);
/* n bytes aligned for any type; never NULL (aborts on OOM). Lives until arena_free/arena_reset. */
void *arena_alloc(struct arena *a, size_t n);
void *arena_zalloc(struct arena *a, size_t n);
/* Copy of s (n bytes) with a NUL appended. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* printf into the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

#endif
