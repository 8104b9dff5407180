// A Node module hook for @actions/workflow-parser: it imports its JSON schemas without the
// `with { type: 'json' }` attribute that Node requires, so we add the attribute for it.
export async function load(url, context, nextLoad) {
  if (url.endsWith('.json') && !context.importAttributes?.type) {
    return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } });
  }
  return nextLoad(url, context);
}
