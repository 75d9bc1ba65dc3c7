// The release flow, dry: `npm run version-packages` (changeset version) on a copy of the
// repository's manifests and pending changesets must give the first release, 0.1.0, with a
// changelog per public package made of exactly the pending changesets.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { PUBLIC_PACKAGES, REPO_ROOT } from "./helpers/packWorkspaces.js";

const copy = mkdtempSync(join(tmpdir(), "awscreds-release-"));
const workspaces = readdirSync(join(REPO_ROOT, "packages"));
const manifest = (root: string, folder: string) => JSON.parse(readFileSync(join(root, "packages", folder, "package.json"), "utf8")) as { name: string; version: string; private?: boolean };

/** Pending changesets: the front matter's package → bump lines, and the summary after it. */
const pending = readdirSync(join(REPO_ROOT, ".changeset"))
  .filter((file) => file.endsWith(".md") && file !== "README.md")
  .map((file) => {
    const [, front = "", summary = ""] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(readFileSync(join(REPO_ROOT, ".changeset", file), "utf8")) ?? [];
    const packages = [...front.matchAll(/^"([^"]+)": (patch|minor|major)$/gm)].map((match) => match[1] as string);
    return { file, packages, firstLine: summary.trim().split("\n")[0] ?? "" };
  });

beforeAll(() => {
  cpSync(join(REPO_ROOT, "package.json"), join(copy, "package.json"));
  cpSync(join(REPO_ROOT, ".changeset"), join(copy, ".changeset"), { recursive: true });
  for (const folder of workspaces) {
    mkdirSync(join(copy, "packages", folder), { recursive: true });
    cpSync(join(REPO_ROOT, "packages", folder, "package.json"), join(copy, "packages", folder, "package.json"));
  }
  execFileSync(process.execPath, [join(REPO_ROOT, "node_modules/@changesets/cli/bin.js"), "version"], { cwd: copy, stdio: "pipe", env: { ...process.env, CI: "true" } });
}, 60_000);

afterAll(() => rmSync(copy, { recursive: true, force: true }));

test("every pending changeset is well formed and names public packages", () => {
  expect(pending.length).toBeGreaterThan(0);
  const publicNames = PUBLIC_PACKAGES.map((folder) => manifest(REPO_ROOT, folder).name);
  for (const changeset of pending) {
    expect(changeset.packages.length, changeset.file).toBeGreaterThan(0);
    for (const name of changeset.packages) expect(publicNames, `${changeset.file} names ${name}`).toContain(name);
    expect(changeset.firstLine, changeset.file).not.toBe("");
  }
});

test.each(PUBLIC_PACKAGES)("changeset version makes %s 0.1.0, with every pending changeset of it in its CHANGELOG.md", (folder) => {
  const { name, version } = manifest(copy, folder);
  expect(version).toBe("0.1.0");
  const changelog = readFileSync(join(copy, "packages", folder, "CHANGELOG.md"), "utf8");
  expect(changelog.startsWith(`# ${name}\n\n## 0.1.0\n`)).toBe(true);
  const mine = pending.filter((changeset) => changeset.packages.includes(name));
  expect(mine.length).toBeGreaterThan(0);
  // The opening of each summary: changesets runs prettier over the changelog, which may rewrite emphasis further on.
  for (const changeset of mine) expect(changelog, changeset.file).toContain(changeset.firstLine.slice(0, 60));
});

test("private workspaces are left alone and the changesets are consumed", () => {
  for (const folder of workspaces.filter((f) => !(PUBLIC_PACKAGES as readonly string[]).includes(f))) {
    expect(manifest(copy, folder).private, folder).toBe(true);
    expect(manifest(copy, folder).version).toBe(manifest(REPO_ROOT, folder).version);
    expect(existsSync(join(copy, "packages", folder, "CHANGELOG.md"))).toBe(false);
  }
  expect(readdirSync(join(copy, ".changeset")).filter((file) => file.endsWith(".md") && file !== "README.md")).toEqual([]);
});
