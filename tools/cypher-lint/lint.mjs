#!/usr/bin/env node
// Lint Cypher queries with Neo4j's own grammar and semantic analysis.
//
// Reads {"schema": {...}, "queries": [{"name", "text", "parameters"}]} as
// JSON on stdin and prints {"results": [{"name", "diagnostics": [...]}]} as
// JSON on stdout. `schema` is the `dbSchema` object of lintCypherQuery
// (labels, relationshipTypes, propertyKeys, graphSchema). This script adds
// the registry of Neo4j's built-in functions and procedures, so the linter
// reports calls to anything else (APOC, GDS, LadybugDB functions) as unknown.
// Each query's `parameters` maps parameter names to example values.

import { lintCypherQuery, testData } from '@neo4j-cypher/language-support';

// Plugin namespaces in the package's registry dump; a stock server has none.
const PLUGIN_PREFIXES = ['apoc.', 'gds.'];

function builtInRegistry(registry, keep) {
  const scoped = {};
  for (const [version, entries] of Object.entries(registry)) {
    scoped[version] = Object.fromEntries(
      Object.entries(entries).filter(([name, entry]) => keep(name, entry)),
    );
  }
  return scoped;
}

const isPlugin = (name) => PLUGIN_PREFIXES.some((prefix) => name.startsWith(prefix));

const FUNCTIONS = builtInRegistry(
  testData.mockSchema.functions,
  (name, entry) => entry.isBuiltIn === true && !isPlugin(name),
);
const PROCEDURES = builtInRegistry(
  testData.mockSchema.procedures,
  (name) => !isPlugin(name),
);

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function lintOne(schema, query) {
  const dbSchema = {
    ...schema,
    functions: FUNCTIONS,
    procedures: PROCEDURES,
    parameters: query.parameters ?? {},
    defaultLanguage: schema.defaultLanguage ?? 'CYPHER 5',
  };
  const { diagnostics } = lintCypherQuery(query.text, dbSchema);
  return diagnostics.map((diagnostic) => ({
    severity: SEVERITY[diagnostic.severity] ?? String(diagnostic.severity),
    message: diagnostic.message,
    start: diagnostic.offsets?.start ?? null,
    end: diagnostic.offsets?.end ?? null,
    line: diagnostic.range?.start?.line ?? null,
  }));
}

async function main() {
  const input = JSON.parse(await readStdin());
  if (!Array.isArray(input.queries)) {
    throw new Error('input JSON needs a "queries" list of {name, text, parameters}');
  }
  const schema = input.schema ?? {};
  const results = input.queries.map((query) => ({
    name: query.name,
    diagnostics: lintOne(schema, query),
  }));
  process.stdout.write(JSON.stringify({ results }));
}

main().catch((error) => {
  process.stderr.write(`cypher-lint: ${error.message}\n`);
  process.exit(2);
});
