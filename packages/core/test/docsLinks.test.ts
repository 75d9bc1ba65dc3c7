// The docs site holds together: docs/index.md links every page of docs/, and every relative link
// or image in README.md and docs/*.md names a file that exists, and a heading or `<a id>` that
// exists when it has a #fragment. Links to other sites are not fetched.
import { existsSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { expect, test } from "vitest";
import { anchors, docPages, links, REPOSITORY } from "./docs/markdown.js";

const pages = docPages();

test("docs/index.md links every page of docs/", () => {
  const linked = new Set(
    links("docs/index.md")
      .filter((link) => !/^[a-z][a-z0-9+.-]*:/i.test(link.target))
      .map((link) => normalize(join("docs", link.target.split("#")[0]!))),
  );
  const unlinked = pages.filter((page) => page.startsWith("docs/") && page !== "docs/index.md" && !linked.has(page));
  expect(unlinked).toEqual([]);
});

test("README.md links the docs index", () => {
  expect(links("README.md").map((link) => link.target)).toContain("docs/index.md");
});

test.for(pages)("every relative link in %s resolves, fragment included", (page) => {
  const broken: string[] = [];
  for (const link of links(page)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(link.target) || link.target.startsWith("//")) continue; // another site, mailto:
    const [path = "", fragment] = link.target.split("#");
    const file = path === "" ? join(REPOSITORY, page) : join(dirname(join(REPOSITORY, page)), decodeURIComponent(path));
    const where = `${page}:${link.line} (${link.target})`;
    if (!relative(REPOSITORY, file).split(/[/\\]/).every((part) => part !== "..")) broken.push(`${where}: outside the repository`);
    else if (!existsSync(file)) broken.push(`${where}: no such file`);
    else if (fragment !== undefined && fragment !== "" && statSync(file).isFile() && file.endsWith(".md") && !anchors(relative(REPOSITORY, file)).has(fragment)) {
      broken.push(`${where}: no heading or <a id> "${fragment}" in ${relative(REPOSITORY, file)}`);
    }
  }
  expect(broken).toEqual([]);
});
