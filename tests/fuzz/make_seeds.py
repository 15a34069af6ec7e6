#!/usr/bin/env python3
"""Write the hand-made seed inputs of the libFuzzer harnesses into tests/fuzz/corpus/<target>/ and the
router dictionary tests/fuzz/router.dict (from the route table in src/routes.c). Seeds are named seed-*; the
campaign's merged inputs (scripts/fuzz.sh long with FUZZ_MERGE=1) sit beside them under their SHA-1 names.
Run from the repository root: python3 tests/fuzz/make_seeds.py"""
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, 'tests', 'fuzz', 'corpus')


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode('utf-8')
    with open(os.path.join(d, 'seed-' + name), 'wb') as f:
        f.write(data)


def id_check(s17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return '10X98765432'[sum(int(c) * x for c, x in zip(s17, w)) % 11]


ALPHA = '0123456789ABCDEFGHJKLMNPQRTUWXY'


def uscc_check(s17):
    w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    c = 31 - sum(ALPHA.index(ch) * x for ch, x in zip(s17, w)) % 31
    return ALPHA[0 if c == 31 else c]


# ---- codes: ID numbers and USCCs, valid and invalid.
ids = ['42030319850101123', '42030220230229000', '42030220240229001', '11010519491231002',
       '42030317991231001', '42030320991231999']
for i, s in enumerate(ids):
    put('codes', 'id-valid-%d' % i, s + id_check(s))
put('codes', 'id-lower-x', '11010519491231002x')
put('codes', 'id-bad-check', '420303198501011230')
put('codes', 'id-bad-date', '420303198502301234')
put('codes', 'id-short', '42030319850101')
put('codes', 'id-long', '4203031985010112345')
put('codes', 'id-nul', b'420303198501\x0001123')
usccs = ['91420300MA4F0A0B1', '52420303MJH123456', '12420300420000000', '91110000600037341']
for i, s in enumerate(usccs):
    put('codes', 'uscc-valid-%d' % i, s + uscc_check(s))
put('codes', 'uscc-lower', '91420300ma4f0a0b1' + 'x')
put('codes', 'uscc-bad-alpha', '91420300MA4F0I0O1Z')
put('codes', 'uscc-bad-check', '91420300MA4F0A0B1' + ('0' if uscc_check('91420300MA4F0A0B1') != '0' else '1'))
put('codes', 'empty', '')

# ---- html: text, attributes and URLs with everything that must be escaped.
for name, s in [('script', '<script>alert("x")</script>'), ('attr', '" onmouseover="alert(1)'),
                ('quote', "it's & \"that\" <b>"), ('js-url', 'javascript:alert(document.cookie)'),
                ('entities', '&amp; &lt; &#39; &quot;'), ('chinese', '张湾区 托育机构（普惠） 《办法》'),
                ('controls', 'a\tb\nc\rd\x01\x1f\x7f e'), ('nul', b'ab\x00<c>\x00"'),
                ('bad-utf8', b'\xff\xfe\xc3\x28\xe2\x82 \xf0\x9f\x98\x80'),
                ('query', 'q=a b&district=420303#frag/../%2e%2e')]:
    put('html', name, s)

# ---- csv: staff/children imports and institution onboarding, UTF-8, BOM, GBK, quoted newlines.
onboard_header = ('uscc,name,legal_form,district_code,address,business_scope,registered_on,authority,'
                  'service_types,inclusive,places,min_age_months,max_age_months,provider_kind,filing_number,'
                  'filed_on\n')
u1 = '91420300MA4F0A0B1' + uscc_check('91420300MA4F0A0B1')
put('csv', 'onboard-en', onboard_header +
    u1 + ',十堰市张湾区小太阳托育有限公司,enterprise,420303,十堰市张湾区车城路 8 号,托育服务,2023-03-05,'
    '张湾区市场监督管理局,full_day;half_day,1,60,6,36,institution,FB-420303-2023-001,2023/4/1\n'
    '91420300MA4F0A0B10,坏行,enterprise,999999,,,"2099-01-01",,nonsense,2,-5,40,3,home,,\n')
put('csv', 'onboard-zh', '统一社会信用代码,机构名称,法人类型,所在区县,地址,注册日期,托位数\n' + u1 +
    ',"茅箭区 ""阳光"" 托育中心",社会组织,420302,"人民路 1 号\n2 楼",2024年3月5日,120\n')
put('csv', 'bom-staff', '\ufeff姓名,身份证号,岗位,电话\n张三,420303198501011235,保育员,13800000000\n'
    '李四,11010519491231002x,"育婴员, 主管",\n')
put('csv', 'gbk-staff', '姓名,性别,身份证号\r\n张三,男,420303198501011235\r\n"王\r\n五",女,\r\n'.encode('gbk'))
put('csv', 'gbk-onboard', ('机构名称,所在区县,托位数\n郧阳区阳光托育,420304,80\n').encode('gbk'))
put('csv', 'quoted-newlines', 'a,b,c\n"x\ny","p""q",\n"",,"\r\n"\n')
put('csv', 'unterminated', 'a,b\n"open,1\n')
put('csv', 'bad-bytes', b'a,b\n\xff\xfe\x80,\x81\n')
put('csv', 'ragged', 'a\n1,2,3,4\n\n,\n')
put('csv', 'crlf-only', '\r\n\r\n')

# ---- jspec: bodies for the harness's spec, valid and with every kind of mistake.
good = ('{"name":"小太阳托育","phone":"13800000000","places":120,"fee":-5,"ratio":0.25,"inclusive":true,'
        '"opened_on":"2024-02-29","kind":"full_day","age_groups":["infant","toddler"],'
        '"classes":[{"name":"乳儿班","capacity":10,"age_group":"infant",'
        '"teacher":{"name":"李老师","phone":"13900000000","certified":true},"tags":["a","b"]},'
        '{"name":"托小班","capacity":20,"age_group":"toddler"}]}')
put('jspec', 'valid', good)
put('jspec', 'minimal', '{"name":"ab","places":0,"ratio":1,"inclusive":false,"opened_on":"1900-01-01",'
    '"kind":"hourly","age_groups":["preschool"],"classes":[],"phone":null}')
put('jspec', 'all-wrong', '{"name":1,"phone":"12a","places":10001,"fee":1.5,"ratio":"x","inclusive":"yes",'
    '"opened_on":"2023-02-29","kind":"night","age_groups":["infant","infant","x"],"classes":{},"extra":[]}')
put('jspec', 'nested-wrong', '{"name":"x","classes":[{"name":"a\\u0001","capacity":0,"age_group":"?",'
    '"teacher":{"name":"","phone":"1","certified":1,"x":2},"tags":["",1,2,3,4,5]},5,null]}')
put('jspec', 'nul-string', '{"name":"a\\u0000<script>","opened_on":"2024-01-01\\u0000"}')
put('jspec', 'duplicate', '{"name":"ab","name":"cd"}')
put('jspec', 'bad-utf8', b'{"name":"\xff\xfe"}')
put('jspec', 'not-object', '[1,2,3]')
put('jspec', 'deep', '{"classes":' + '[' * 40 + ']' * 40 + '}')
put('jspec', 'big-numbers', '{"places":9223372036854775807,"fee":-9223372036854775808,"ratio":1e308,'
    '"opened_on":"2999-12-31"}')

# ---- multipart: Content-Type line, then the body.
b = 'XyZ'
put('multipart', 'form', 'multipart/form-data; boundary=%s\n--%s\r\nContent-Disposition: form-data; '
    'name="csrf"\r\n\r\nabc\r\n--%s\r\nContent-Disposition: form-data; name="file"; filename="员工.csv"\r\n'
    'Content-Type: text/csv\r\n\r\n姓名,身份证号\n张三,420303198501011235\n\r\n--%s--\r\n' % (b, b, b, b))
put('multipart', 'quoted-boundary', 'multipart/form-data; boundary="a b:c"\n--a b:c\r\n'
    'Content-Disposition: form-data; name="dry_run"\r\n\r\n1\r\n--a b:c--')
put('multipart', 'preamble', 'multipart/form-data; charset=utf-8; boundary=B\npreamble\r\n--B  \r\n'
    'content-disposition: form-data; name=x\r\n\r\n\r\n--B--\r\nepilogue')
put('multipart', 'unterminated', 'multipart/form-data; boundary=B\n--B\r\nContent-Disposition: form-data; '
    'name="f"; filename="a.xlsx"\r\n\r\nPK\x03\x04')
put('multipart', 'no-boundary', 'multipart/form-data\n--B\r\n\r\n')

# ---- router: METHOD LF path, real paths and near misses.
routes = re.findall(r'\{"([A-Z]+)", "(/[^"]*)"', open(os.path.join(ROOT, 'src', 'routes.c')).read())
seen = set()
for i, (m, p) in enumerate(routes):
    path = p.replace('{id}', str(7 + i)).replace('{code}', '420303')
    if i % 6 == 0 or '{' in p and len(seen) < 40:
        if (m, p) in seen:
            continue
        seen.add((m, p))
        put('router', '%03d' % i, '%s\n%s' % (m, path))
for name, s in [('head', 'HEAD\n/healthz'), ('wrong-method', 'DELETE\n/healthz'), ('none', 'GET\n/nope'),
                ('big-id', 'GET\n/api/v1/institutions/1234567890123456789'),
                ('trailing', 'GET\n/api/v1/institutions/1/'), ('double-slash', 'GET\n//api//v1'),
                ('dotdot', 'GET\n/api/v1/institutions/../x'), ('nul', b'GET\n/healthz\x00/x')]:
    put('router', name, s)

words = set()
for m, p in routes:
    words.add(m)
    for seg in p.split('/'):
        if seg and '{' not in seg:
            words.add('/' + seg)
with open(os.path.join(ROOT, 'tests', 'fuzz', 'router.dict'), 'w') as f:
    f.write('# libFuzzer dictionary for fuzz_router: methods and literal path segments of src/routes.c\n'
            '# (written by tests/fuzz/make_seeds.py).\n')
    for w in sorted(words):
        f.write('"%s"\n' % w.replace('\\', '\\\\').replace('"', '\\"'))
