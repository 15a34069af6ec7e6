// The OpenAPI 3.1 document is generated from the route table: it validates against the OpenAPI 3.1 schema,
// and every /api/v1 route of src/routes.c is in it with its method (read from the source file itself, so a
// route added without appearing in the document fails here), and nothing else is. The reference page lists
// the same routes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test, { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Server, show, tidyErrors } from './harness.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Every route of the table as [METHOD, pattern], read from src/routes.c. */
function tableRoutes() {
  const src = fs.readFileSync(path.join(ROOT, 'src/routes.c'), 'utf8');
  return [...src.matchAll(/\{"(GET|POST|PUT|PATCH|DELETE)",\s*"([^"]+)"/g)].map((m) => [m[1], m[2]]);
}

/** The OpenAPI path of a pattern: the second and later {id} become {id2}, {id3}, … */
function openapiPath(pattern) {
  const seen = {};
  return pattern.replace(/\{(\w+)\}/g, (_, name) => {
    seen[name] = (seen[name] || 0) + 1;
    return `{${name}${seen[name] > 1 ? seen[name] : ''}}`;
  });
}

let srv;
let doc;
before(async () => {
  srv = await Server.start({ name: 'openapi' });
  const res = await srv.get('/api/v1/openapi.json');
  assert.equal(res.status, 200, show(res));
  doc = res.json;
});
after(async () => srv && srv.cleanup());

test('the document is valid OpenAPI 3.1', async () => {
  assert.equal(doc.openapi, '3.1.0');
  const v = new Validator();
  const result = await v.validate(doc);
  assert.ok(result.valid, JSON.stringify(result.errors, null, 1)?.slice(0, 2000));
});

test('every /api/v1 route of the table is in the document, and nothing else', () => {
  const api = tableRoutes().filter(([, p]) => p.startsWith('/api/v1'));
  assert.ok(api.length > 100, `only ${api.length} API routes read from src/routes.c`);
  const want = new Set(api.map(([m, p]) => `${m.toLowerCase()} ${openapiPath(p)}`));
  const have = new Set();
  for (const [p, item] of Object.entries(doc.paths))
    for (const m of Object.keys(item)) have.add(`${m} ${p}`);
  const missing = [...want].filter((k) => !have.has(k));
  const extra = [...have].filter((k) => !want.has(k));
  assert.deepEqual(missing, [], 'routes missing from the OpenAPI document');
  assert.deepEqual(extra, [], 'operations in the document that are not in the route table');
});

test('each operation has a unique id, its path parameters, roles, and the error schema', () => {
  const ids = new Set();
  for (const [p, item] of Object.entries(doc.paths)) {
    const names = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    for (const [m, op] of Object.entries(item)) {
      assert.ok(!ids.has(op.operationId), `duplicate operationId ${op.operationId}`);
      ids.add(op.operationId);
      assert.ok(op.summary, `${m} ${p} has no summary`);
      assert.deepEqual((op.parameters || []).filter((x) => x.in === 'path').map((x) => x.name), names, `${m} ${p}`);
      const isPublic = Array.isArray(op.security) && op.security.length === 0;
      assert.ok(isPublic || op['x-roles'].length > 0, `${m} ${p} is neither public nor allowed to any role`);
      if (!isPublic) assert.equal(op.responses['403'].content['application/json'].schema.$ref, '#/components/schemas/Error');
    }
  }
  // Spot checks against known routes.
  assert.deepEqual(doc.paths['/api/v1/registrations'].post['x-roles'], ['registrar']);
  assert.deepEqual(doc.paths['/api/v1/public/institutions'].get.security, []);
  assert.equal(doc.paths['/api/v1/institutions/{id}/versions/{id2}'].get.parameters[1].schema.type, 'integer');
});

test('the reference page lists every API route and is valid HTML', async () => {
  const res = await srv.get('/api/docs');
  assert.equal(res.status, 200, show(res));
  assert.deepEqual(tidyErrors(res.text), []);
  for (const [m, p] of tableRoutes().filter(([, q]) => q.startsWith('/api/v1'))) {
    const escaped = p.replace(/&/g, '&amp;');
    assert.ok(res.text.includes(`>${m}</code></td><td><code>${escaped}</code>`), `${m} ${p} missing from /api/docs`);
  }
});
