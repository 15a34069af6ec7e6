/* One error enum for the whole program. Each code has an HTTP status and a stable machine name that clients
 * may rely on (see err.c). Functions return enum err; results travel through out parameters. */
#ifndef TUOYU_ERR_H
#define TUOYU_ERR_H

#define TUOYU_ERRORS(X)                                                                                      \
    X(OK, 200, "ok", "成功")                                                                                 \
    X(ERR_NOT_FOUND, 404, "not_found", "未找到")                                                             \
    X(ERR_METHOD, 405, "method_not_allowed", "不支持该方法")                                                 \
    X(ERR_UNAUTHENTICATED, 401, "unauthenticated", "需要登录")                                               \
    X(ERR_FORBIDDEN, 403, "forbidden", "无权操作")                                                           \
    X(ERR_CSRF, 403, "csrf_token_invalid", "表单已过期，请刷新后重试")                                       \
    X(ERR_MALFORMED_JSON, 400, "malformed_json", "JSON 格式错误")                                            \
    X(ERR_BAD_REQUEST, 400, "bad_request", "请求无效")                                                       \
    X(ERR_VALIDATION, 422, "validation_failed", "提交的数据未通过校验")                                      \
    X(ERR_CONFLICT, 409, "version_conflict", "记录已被他人修改，请刷新后重试")                               \
    X(ERR_STATE, 409, "invalid_state", "当前状态不允许该操作")                                               \
    X(ERR_TOO_LARGE, 413, "payload_too_large", "请求体过大")                                                 \
    X(ERR_UNSUPPORTED_MEDIA, 415, "unsupported_media_type", "不支持的文件类型")                              \
    X(ERR_THROTTLED, 429, "too_many_requests", "尝试次数过多，请稍后再试")                                   \
    X(ERR_LOGIN_FAILED, 401, "login_failed", "用户名或密码错误")                                             \
    X(ERR_FILING_VIOLATIONS, 422, "filing_has_violations", "备案材料仍有违规项，不能批准")                   \
    X(ERR_FILING_ATTACHMENTS, 422, "filing_missing_attachments", "备案材料缺少附件，不能批准")               \
    X(ERR_HIRE_REFUSED, 422, "hire_refused", "不能录用此人，请联系所在县（市、区）卫生健康局")               \
    X(ERR_DB_SOFT, 503, "db_busy", "数据库繁忙，请重试")                                                     \
    X(ERR_DB_FULL, 503, "storage_full", "存储空间已满，暂时无法保存，请稍后重试")                            \
    X(ERR_DB, 500, "db_error", "数据库错误")                                                                 \
    X(ERR_NOMEM, 500, "out_of_memory", "内存不足")                                                           \
    X(ERR_IO, 500, "io_error", "读写错误")                                                                   \
    X(ERR_INTERNAL, 500, "internal_error", "内部错误")                                                       \
    X(ERR_SCHEMA_NEWER, 500, "schema_newer_than_binary", "数据库结构版本高于本程序")

enum err {
#define X(code, status, name, zh) code,
    TUOYU_ERRORS(X)
#undef X
        ERR__COUNT
};

/* HTTP status of an error code; 500 for an unknown value. Never blocks. */
unsigned err_status(enum err e);
/* Stable machine name, e.g. "filing_has_violations". Static storage. */
const char *err_name(enum err e);
/* Chinese message for people. Static storage. */
const char *err_message_zh(enum err e);

#endif
