// Minimal, safe Markdown: builds DOM nodes with textContent only, so nothing
// in the text can become markup or script. Supports headings, paragraphs,
// fenced code blocks, bullet and numbered lists, `code`, **bold**, *emphasis*.

function inline(parent, text) {
  const pattern = /(`[^`]+`|\*\*[^*]+\*\*|\*[^*\s][^*]*\*|_[^_\s][^_]*_)/g;
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m.index > last) parent.append(text.slice(last, m.index));
    const token = m[0];
    let el;
    if (token.startsWith("`")) {
      el = document.createElement("code");
      el.textContent = token.slice(1, -1);
    } else if (token.startsWith("**")) {
      el = document.createElement("strong");
      el.textContent = token.slice(2, -2);
    } else {
      el = document.createElement("em");
      el.textContent = token.slice(1, -1);
    }
    parent.append(el);
    last = m.index + token.length;
  }
  if (last < text.length) parent.append(text.slice(last));
}

export function renderMarkdown(source) {
  const root = document.createDocumentFragment();
  const lines = String(source ?? "").replace(/\r\n?/g, "\n").split("\n");
  let i = 0;
  let paragraph = [];
  const flush = () => {
    if (paragraph.length) {
      const p = document.createElement("p");
      inline(p, paragraph.join(" "));
      root.append(p);
      paragraph = [];
    }
  };
  while (i < lines.length) {
    const line = lines[i];
    const fence = line.match(/^\s*(```|~~~)/);
    if (fence) {
      flush();
      const body = [];
      i++;
      while (i < lines.length && !lines[i].trim().startsWith(fence[1])) body.push(lines[i++]);
      i++;
      const pre = document.createElement("pre");
      const code = document.createElement("code");
      code.textContent = body.join("\n");
      pre.append(code);
      root.append(pre);
      continue;
    }
    if (/^( {4}|\t)/.test(line) && paragraph.length === 0) {
      // indented code block: consecutive indented (or blank) lines
      const body = [];
      while (i < lines.length && (/^( {4}|\t)/.test(lines[i]) || (lines[i].trim() === "" && /^( {4}|\t)/.test(lines[i + 1] || "")))) {
        body.push(lines[i].replace(/^( {4}|\t)/, ""));
        i++;
      }
      const pre = document.createElement("pre");
      const code = document.createElement("code");
      code.textContent = body.join("\n");
      pre.append(code);
      root.append(pre);
      continue;
    }
    const heading = line.match(/^(#{1,6})\s+(.*)$/);
    if (heading) {
      flush();
      // Panel headings are h2; markdown headings sit below them.
      const level = Math.min(6, heading[1].length + 2);
      const h = document.createElement(`h${level}`);
      inline(h, heading[2]);
      root.append(h);
      i++;
      continue;
    }
    const item = line.match(/^\s*([-*+]|\d+[.)])\s+(.*)$/);
    if (item) {
      flush();
      const ordered = /\d/.test(item[1]);
      const list = document.createElement(ordered ? "ol" : "ul");
      while (i < lines.length) {
        const m = lines[i].match(/^\s*([-*+]|\d+[.)])\s+(.*)$/);
        if (!m || /\d/.test(m[1]) !== ordered) break;
        const li = document.createElement("li");
        inline(li, m[2]);
        list.append(li);
        i++;
      }
      root.append(list);
      continue;
    }
    if (line.trim() === "") flush();
    else paragraph.push(line.trim());
    i++;
  }
  flush();
  return root;
}

// The LSP client renders hover/completion docs to HTML itself; this keeps
// only harmless structure from that HTML (no attributes but class, no scripts,
// no links, no images).
const ALLOWED = new Set([
  "P", "PRE", "CODE", "SPAN", "STRONG", "EM", "B", "I", "UL", "OL", "LI", "BR", "HR",
  "H1", "H2", "H3", "H4", "H5", "H6", "BLOCKQUOTE", "DIV", "TABLE", "THEAD", "TBODY", "TR", "TH", "TD",
]);

export function sanitizeHTML(html) {
  // A <template>'s content is inert: nothing in it loads or runs while we clean it.
  const template = document.createElement("template");
  template.innerHTML = html;
  const clean = (node) => {
    for (const child of [...node.childNodes]) {
      if (child.nodeType === Node.ELEMENT_NODE) {
        if (!ALLOWED.has(child.tagName)) {
          if (["SCRIPT", "STYLE", "IFRAME", "OBJECT", "EMBED", "TEMPLATE"].includes(child.tagName)) {
            child.remove();
          } else {
            clean(child);
            child.replaceWith(...child.childNodes);
          }
          continue;
        }
        for (const attr of [...child.attributes]) {
          if (attr.name !== "class") child.removeAttribute(attr.name);
        }
        clean(child);
      } else if (child.nodeType !== Node.TEXT_NODE) {
        child.remove();
      }
    }
  };
  clean(template.content);
  return template.innerHTML;
}
