// Renders the OpenAPI document as a plain list grouped by tag (no external assets: the CSP is 'self').
(async () => {
  const intro = document.getElementById("intro");
  const ops = document.getElementById("ops");
  let doc;
  try {
    const res = await fetch("/api/openapi.json");
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    doc = await res.json();
  } catch (error) {
    intro.textContent = `Could not load the API description: ${error.message}`;
    return;
  }
  intro.textContent = doc.info.description;
  const byTag = new Map();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = op.tags?.[0] ?? "other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ path, method, op });
    }
  }
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    Object.assign(node, attrs);
    for (const child of children) node.append(child);
    return node;
  };
  for (const [tag, list] of [...byTag].sort()) {
    ops.append(el("h2", { textContent: tag }));
    for (const { path, method, op } of list) {
      const policy = op["x-gridops-policy"];
      const policyText = policy.permission ? `${policy.permission} · ${policy.scope}` : policy.access;
      const summary = el(
        "summary",
        {},
        el("span", { className: `m ${method}`, textContent: method }),
        el("code", { textContent: path }),
        " — ",
        op.summary,
        el("span", { className: "policy", textContent: policyText }),
      );
      const body = el("pre", { textContent: JSON.stringify({ parameters: op.parameters, requestBody: op.requestBody, responses: op.responses }, null, 2) });
      ops.append(el("details", {}, summary, body));
    }
  }
})();
