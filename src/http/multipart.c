/* multipart/form-data (RFC 7578 on the RFC 2046 body syntax), parsed strictly: the boundary from the
 * Content-Type, delimiters only at the start of a line ("\r\n--boundary"), every part with
 * Content-Disposition: form-data; name=…, at most MULTIPART_MAX_PARTS parts and MULTIPART_HEADER_MAX bytes
 * per header line. Quoted parameter values are read as browsers write them (WHATWG HTML: no backslash
 * escapes; '"', CR and LF sent as %22, %0D, %0A, which are decoded as the Fetch standard's parser does). File
 * data is never copied: a file part points into the body. Anything the grammar does not allow is refused,
 * never guessed at. */
#include "http/http.h"

#include <string.h>
#include <strings.h>

#define MULTIPART_HEADER_LINES 16 /* header lines in one part */

struct part {
    const char *name, *filename, *content_type;
};

static bool is_tchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* RFC 2046 bchars (space allowed, but not as the last character). */
static bool is_bchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c && strchr("'()+_,-./:=? ", c));
}

static const char *skip_ows(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

/* Whether p[0..n) is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF). */
static bool utf8_valid(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        size_t k;
        unsigned lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            k = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else {
            return false;
        }
        if (n - i <= k) return false;
        if (p[i + 1] < lo || p[i + 1] > hi) return false;
        for (size_t j = 2; j <= k; j++)
            if (p[i + j] < 0x80 || p[i + j] > 0xBF) return false;
        i += k + 1;
    }
    return true;
}

/* A token at *pp (at least one tchar); advances *pp past it. */
static bool read_token(const char **pp, const char *end, const char **v, size_t *n)
{
    const char *p = *pp;
    while (p < end && is_tchar((unsigned char)*p))
        p++;
    if (p == *pp) return false;
    *v = *pp;
    *n = (size_t)(p - *pp);
    *pp = p;
    return true;
}

/* A parameter value, token or quoted-string; the quotes are not part of *v. Backslashes are literal. */
static bool read_value(const char **pp, const char *end, const char **v, size_t *n)
{
    const char *p = *pp;
    if (p < end && *p == '"') {
        const char *close = memchr(p + 1, '"', (size_t)(end - p - 1));
        if (!close) return false;
        *v = p + 1;
        *n = (size_t)(close - p - 1);
        *pp = close + 1;
        return true;
    }
    return read_token(pp, end, v, n);
}

static bool ieq(const char *p, size_t n, const char *lit)
{
    return strlen(lit) == n && strncasecmp(p, lit, n) == 0;
}

/* The boundary parameter of a multipart/form-data Content-Type into b (NUL-terminated, 1–70 bchars). */
static bool boundary_of(const char *ct, char b[71], size_t *bn, const char **why)
{
    *why = "Content-Type 应为 multipart/form-data 并带 boundary 参数";
    if (!multipart_is(ct)) return false;
    const char *end = ct + strlen(ct), *p = skip_ows(ct, end) + strlen("multipart/form-data");
    bool seen = false;
    for (;;) {
        p = skip_ows(p, end);
        if (p == end) break;
        if (*p != ';') return false;
        p = skip_ows(p + 1, end);
        if (p == end) break;
        const char *k, *v;
        size_t kn, vn;
        if (!read_token(&p, end, &k, &kn) || p == end || *p++ != '=' || !read_value(&p, end, &v, &vn))
            return false;
        if (!ieq(k, kn, "boundary")) continue;
        if (seen) {
            *why = "Content-Type 含重复的 boundary 参数";
            return false;
        }
        seen = true;
        if (vn < 1 || vn > 70 || v[vn - 1] == ' ') {
            *why = "boundary 应为 1–70 个字符";
            return false;
        }
        for (size_t i = 0; i < vn; i++)
            if (!is_bchar((unsigned char)v[i])) {
                *why = "boundary 含不允许的字符";
                return false;
            }
        memcpy(b, v, vn);
        b[vn] = 0;
        *bn = vn;
    }
    return seen;
}

/* A name or filename parameter: %0A, %0D and %22 decoded (the escapes browsers write), UTF-8 required. */
static const char *param_text(struct arena *a, const char *v, size_t n)
{
    char *s = arena_alloc(a, n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '%' && n - i >= 3) {
            char c = ieq(v + i, 3, "%0A")   ? '\n'
                     : ieq(v + i, 3, "%0D") ? '\r'
                     : ieq(v + i, 3, "%22") ? '"'
                                            : 0;
            if (c) {
                s[o++] = c;
                i += 2;
                continue;
            }
        }
        s[o++] = v[i];
    }
    s[o] = 0;
    return utf8_valid((const unsigned char *)s, o) ? s : NULL;
}

/* Content-Disposition: form-data; name="…"[; filename="…"]; other parameters (filename*) are ignored. */
static bool disposition(const char *p, const char *end, struct arena *a, struct part *pt, const char **why)
{
    const char *t, *k, *v;
    size_t tn, kn, vn;
    *why = "Content-Disposition 应为 form-data; name=…";
    if (pt->name) {
        *why = "部分含重复的 Content-Disposition";
        return false;
    }
    if (!read_token(&p, end, &t, &tn) || !ieq(t, tn, "form-data")) return false;
    const char *name = NULL, *filename = NULL;
    for (;;) {
        p = skip_ows(p, end);
        if (p == end) break;
        if (*p != ';') return false;
        p = skip_ows(p + 1, end);
        if (!read_token(&p, end, &k, &kn) || p == end || *p++ != '=' || !read_value(&p, end, &v, &vn))
            return false;
        bool is_name = ieq(k, kn, "name"), is_filename = ieq(k, kn, "filename");
        if (!is_name && !is_filename) continue;
        if (is_name ? name != NULL : filename != NULL) {
            *why = "Content-Disposition 含重复的参数";
            return false;
        }
        const char *s = param_text(a, v, vn);
        if (!s) {
            *why = "字段名或文件名不是有效的 UTF-8";
            return false;
        }
        if (is_name)
            name = s;
        else
            filename = s;
    }
    if (!name || !*name) return false;
    pt->name = name;
    pt->filename = filename;
    return true;
}

/* One header line p..eol (no CR, LF or other control characters). Unknown headers are ignored. */
static bool header_line(const char *p, const char *eol, struct arena *a, struct part *pt, const char **why)
{
    const char *k;
    size_t kn;
    if (!read_token(&p, eol, &k, &kn) || p == eol || *p++ != ':') {
        *why = "部分的头部行格式错误";
        return false;
    }
    const char *v = skip_ows(p, eol), *ve = eol;
    while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
        ve--;
    if (ieq(k, kn, "Content-Disposition")) return disposition(v, ve, a, pt, why);
    if (ieq(k, kn, "Content-Type")) {
        if (pt->content_type || v == ve) {
            *why = "部分的 Content-Type 重复或为空";
            return false;
        }
        pt->content_type = arena_strndup(a, v, (size_t)(ve - v));
        return true;
    }
    if (ieq(k, kn, "Content-Transfer-Encoding") && !ieq(v, (size_t)(ve - v), "binary") &&
        !ieq(v, (size_t)(ve - v), "8bit") && !ieq(v, (size_t)(ve - v), "7bit")) {
        *why = "不支持 Content-Transfer-Encoding 编码";
        return false;
    }
    return true;
}

/* The header lines of a part from *pp; on success *pp is at the CRLF of the empty line that ends them. */
static bool part_headers(const char **pp, const char *end, struct arena *a, struct part *pt, const char **why)
{
    const char *p = *pp;
    for (int lines = 0;; lines++) {
        if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') break;
        if (lines == MULTIPART_HEADER_LINES) {
            *why = "部分的头部行过多";
            return false;
        }
        size_t avail = (size_t)(end - p),
               lim = avail < MULTIPART_HEADER_MAX + 1 ? avail : MULTIPART_HEADER_MAX + 1;
        const char *eol = NULL;
        for (size_t i = 0; i < lim && !eol; i++) {
            unsigned char c = (unsigned char)p[i];
            if (c == '\r' && i + 1 < avail && p[i + 1] == '\n') {
                eol = p + i;
            } else if (c < 0x20 ? c != '\t' : c == 0x7F) {
                *why = "部分的头部含控制字符或孤立的 CR、LF";
                return false;
            }
        }
        if (!eol) {
            *why = avail > MULTIPART_HEADER_MAX ? "部分的头部行超过 1024 字节" : "部分的头部没有结束";
            return false;
        }
        if (!header_line(p, eol, a, pt, why)) return false;
        p = eol + 2;
    }
    if (!pt->name) {
        *why = "部分缺少 Content-Disposition: form-data; name=…";
        return false;
    }
    *pp = p;
    return true;
}

bool multipart_is(const char *content_type)
{
    if (!content_type) return false;
    while (*content_type == ' ' || *content_type == '\t')
        content_type++;
    size_t n = strlen("multipart/form-data");
    if (strncasecmp(content_type, "multipart/form-data", n) != 0) return false;
    char c = content_type[n];
    return c == 0 || c == ';' || c == ' ' || c == '\t';
}

enum err multipart_parse(const char *body, size_t len, const char *content_type, struct arena *a,
                         struct multipart *out)
{
    enum err e = ERR_BAD_REQUEST;
    const char *why = NULL;
    char b[71];
    size_t bn = 0;
    memset(out, 0, sizeof *out);
    if (!boundary_of(content_type, b, &bn, &why)) goto done;
    /* The delimiter is CRLF "--" boundary; the first one may also open the body without its CRLF. */
    size_t dn = bn + 4;
    char *delim = arena_alloc(a, dn + 1);
    memcpy(delim, "\r\n--", 4);
    memcpy(delim + 4, b, bn + 1);
    out->fields = arena_alloc(a, MULTIPART_MAX_PARTS * sizeof *out->fields);
    out->files = arena_alloc(a, MULTIPART_MAX_PARTS * sizeof *out->files);
    const char *p, *end = body + len;
    if (len >= dn - 2 && memcmp(body, delim + 2, dn - 2) == 0) {
        p = body + dn - 2;
    } else {
        const char *d = memmem(body, len, delim, dn);
        if (!d) {
            why = "请求体中没有 boundary 分隔线";
            goto done;
        }
        p = d + dn;
    }
    for (int nparts = 0;; nparts++) {
        bool close = end - p >= 2 && p[0] == '-' && p[1] == '-';
        if (close) p += 2;
        p = skip_ows(p, end);
        /* After the close delimiter the epilogue (ignored) must start on a line of its own. */
        if (close && p == end) break;
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
            why = "boundary 分隔线后应为换行（CRLF）";
            goto done;
        }
        p += 2;
        if (close) break;
        if (nparts == MULTIPART_MAX_PARTS) {
            why = "表单部分超过 32 个";
            goto done;
        }
        struct part pt = {0};
        if (!part_headers(&p, end, a, &pt, &why)) goto done;
        /* p is at the CRLF that ends the headers. Searching from it (not past it) lets a part end right
         * after its headers, the blank line then being the delimiter's own CRLF. */
        const char *d = memmem(p, (size_t)(end - p), delim, dn);
        if (!d) {
            why = "缺少结束的 boundary 分隔线";
            goto done;
        }
        const char *data = d == p ? p : p + 2;
        size_t n = (size_t)(d - data);
        if (pt.filename) {
            out->files[out->nfiles++] = (struct req_file){
                .name = pt.name,
                .filename = pt.filename,
                .content_type = pt.content_type ? pt.content_type : "application/octet-stream",
                .data = data,
                .len = n,
            };
        } else {
            if (memchr(data, 0, n)) {
                why = "文本字段含 NUL 字节";
                goto done;
            }
            out->fields[out->nfields++] = (struct req_kv){pt.name, arena_strndup(a, data, n)};
        }
        p = d + dn;
    }
    if (out->nfields + out->nfiles == 0) {
        why = "multipart 请求体没有任何部分";
        goto done;
    }
    e = OK;
done:
    if (e != OK) {
        out->detail = why ? why : "multipart 请求体格式错误";
        out->nfields = out->nfiles = 0;
    }
    return e;
}
