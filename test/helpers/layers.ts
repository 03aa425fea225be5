/**
 * The layer rule of DESIGN.md, checked on the source: which top-level folder each folder's files may import from
 * (relative imports only; packages are not layers). Static `import`, `export ... from` and dynamic `import()` count.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** Folder → the folders its files may import from. bin → firmware-app → hal → dsp, and config/ below hal/. */
export const MAY_IMPORT: Record<string, readonly string[]> = {
  dsp: ['dsp'],
  config: ['config'],
  hal: ['hal', 'dsp', 'config'],
  'firmware-app': ['firmware-app', 'hal', 'dsp', 'config'],
};

/** It needs TypeBox, a development dependency the image leaves out: the rest of the program imports its types only. */
const TYPES_ONLY = 'config/schema.ts';

export interface Import {
  specifier: string;
  line: number;
  typeOnly: boolean;
}

export interface Violation {
  file: string;
  line: number;
  specifier: string;
  reason: string;
}

/** Every module specifier a file names, with its line, and whether the import is erased at run time. */
export function importsOf(file: string): Import[] {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: Import[] = [];
  const add = (spec: ts.Expression | undefined, typeOnly: boolean): void => {
    if (spec && ts.isStringLiteral(spec)) out.push({ specifier: spec.text, line: src.getLineAndCharacterOfPosition(spec.getStart()).line + 1, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const allTypes =
        !!bindings && ts.isNamedImports(bindings) && !clause.name && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
      add(node.moduleSpecifier, !!clause && (clause.isTypeOnly || allTypes));
    } else if (ts.isExportDeclaration(node)) add(node.moduleSpecifier, node.isTypeOnly);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], false);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal, true);
    ts.forEachChild(node, visit);
  };
  visit(src);
  return out;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** Every import under `root`'s layered folders that points where its folder may not look. Paths relative to root. */
export function layerViolations(root: string): { files: number; violations: Violation[] } {
  const violations: Violation[] = [];
  let files = 0;
  for (const [layer, allowed] of Object.entries(MAY_IMPORT)) {
    for (const path of tsFiles(join(root, layer))) {
      files++;
      const file = relative(root, path).split(sep).join('/');
      for (const i of importsOf(path)) {
        if (!i.specifier.startsWith('.')) continue;
        const target = relative(root, resolve(dirname(path), i.specifier))
          .split(sep)
          .join('/');
        const into = target.startsWith('../') ? null : target.split('/')[0];
        if (into === null || !allowed.includes(into)) {
          violations.push({
            file,
            line: i.line,
            specifier: i.specifier,
            reason: `${layer}/ may not import from ${into === null ? 'outside the tree' : `${into}/`}`,
          });
        } else if (target === TYPES_ONLY && layer !== 'config' && !i.typeOnly) {
          violations.push({ file, line: i.line, specifier: i.specifier, reason: `${TYPES_ONLY}: import type only` });
        }
      }
    }
  }
  return { files, violations };
}
