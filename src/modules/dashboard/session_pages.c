/* Signing in and out from a browser. Before there is a session the login form is protected by a double-submit
 * token: a random value set as the tuoyu_csrf cookie (SameSite=Strict) and repeated in a hidden field; a
 * cross-site form cannot read the cookie, so it cannot repeat it. */
#include "html/layout.h"
#include "modules/institution/inst.h"

#include <microhttpd.h>
#include <sodium.h>
#include <string.h>

#define LOGIN_TOKEN_LEN 43 /* 32 random bytes in URL-safe base64 without padding */

/* Where a signed-in user starts. */
static const char *home_of(const struct principal *p)
{
    return p->role == ROLE_OPERATOR    ? "/operator"
           : p->role == ROLE_INSPECTOR ? "/inspector"
           : p->role == ROLE_UNIT      ? "/units"
                                       : "/dash";
}

/* Render the login form with a fresh double-submit token (set as a cookie as well), the username to keep and
 * an optional message, with the given status. */
static enum err login_form(struct req *r, struct resp *out, unsigned status, const char *username,
                           const char *message)
{
    unsigned char raw[32];
    char token[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(token, sizeof token, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    resp_header(r, out, "Set-Cookie",
                arena_printf(r->a, "tuoyu_csrf=%s; Path=/; HttpOnly; SameSite=Strict", token));

    struct html h = {.b = BUF_INIT};
    page_begin(&h, r, "登录");
    html_lit(&h, "<h1>工作人员登录</h1>\n");
    if (message) {
        html_lit(&h, "<div class=\"errors\" role=\"alert\"><p>");
        html_text(&h, message);
        html_lit(&h, "</p></div>\n");
    }
    html_lit(
        &h, "<form class=\"panel\" method=\"post\" action=\"/login\">\n<input type=\"hidden\" name=\"csrf\"");
    html_attr(&h, "value", token);
    html_lit(&h, ">\n<div class=\"field\"><label for=\"username\">用户名</label>"
                 "<input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" "
                 "autocapitalize=\"none\" spellcheck=\"false\" required");
    html_attr(&h, "value", username);
    html_lit(&h,
             "></div>\n<div class=\"field\"><label for=\"password\">密码</label>"
             "<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" "
             "required></div>\n<button type=\"submit\">登录</button>\n</form>\n"
             "<p class=\"intro\">本系统供卫生健康部门工作人员和托育机构使用。查找托育机构无需登录，"
             "请前往<a href=\"/\">首页</a>。</p>\n");
    page_end(&h);
    return resp_html(r, out, status, &h);
}

enum err page_login(struct req *r, struct resp *out)
{
    /* A signed-in user has nothing to do here; and the router would check a later POST against the session's
     * token rather than this form's. */
    if (r->who && r->who->session_id) return resp_redirect(r, out, home_of(r->who));
    return login_form(r, out, 200, NULL, NULL);
}

/* Whether the form's hidden token repeats the tuoyu_csrf cookie, compared in constant time. */
static bool login_token_ok(const struct req *r)
{
    const char *given = req_form(r, "csrf");
    const char *cookie =
        r->conn ? MHD_lookup_connection_value((struct MHD_Connection *)r->conn, MHD_COOKIE_KIND, "tuoyu_csrf")
                : NULL;
    return given && cookie && strlen(given) == LOGIN_TOKEN_LEN && strlen(cookie) == LOGIN_TOKEN_LEN &&
           sodium_memcmp(given, cookie, LOGIN_TOKEN_LEN) == 0;
}

enum err page_login_post(struct req *r, struct resp *out)
{
    const char *user = req_form(r, "username");
    const char *pass = req_form(r, "password");
    if (!login_token_ok(r))
        return login_form(r, out, err_status(ERR_CSRF), user, "登录表单已过期，请重新输入。");

    char token[64];
    struct principal p;
    enum err e = session_login(r->db, r->a, user ? user : "", pass ? pass : "", r->client_ip, token, &p);
    if (e == ERR_LOGIN_FAILED) return login_form(r, out, 401, user, "用户名或密码错误");
    if (e == ERR_THROTTLED) return login_form(r, out, 429, user, err_message_zh(ERR_THROTTLED));
    if (e != OK) return e;
    resp_header(
        r, out, "Set-Cookie",
        arena_printf(r->a, "tuoyu_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=28800", token));
    /* The login token has done its work. */
    resp_header(r, out, "Set-Cookie", "tuoyu_csrf=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    return resp_redirect(r, out, home_of(&p));
}

enum err page_logout_post(struct req *r, struct resp *out)
{
    if (r->who && r->who->session_id) {
        enum err e = session_logout(r->db, r->who);
        if (e != OK) return e;
    }
    resp_header(r, out, "Set-Cookie", "tuoyu_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    return resp_redirect(r, out, "/");
}
