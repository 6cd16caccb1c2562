import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Finding {
  check: string;
  severity: string;
  file: string;
  location: string;
  description: string;
}

interface Reviewed {
  check: string;
  file: string;
  reason: string;
}

/** Splits one CSV line of Electronegativity's report (quoted fields may hold commas). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (quoted && c === '"' && line[i + 1] === '"') {
      current += '"';
      i += 1;
    } else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      fields.push(current);
      current = '';
    } else current += c;
  }
  fields.push(current);
  return fields;
}

/**
 * Runs Electronegativity over the sources and the build, and fails on any HIGH or MEDIUM finding
 * that is not in security/reviewed-findings.json. The tool itself always exits 0, so its report is read.
 */
function main(): void {
  const root = join(__dirname, '..');
  const report = join(mkdtempSync(join(tmpdir(), 'electronegativity-')), 'report.csv');
  // The releases check needs the internet; the Electron version is pinned in package.json instead.
  const run = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/@doyensec/electronegativity/dist/index.js'),
      '-i',
      root,
      '-r',
      '-v',
      'false',
      '-x',
      'AvailableSecurityFixesGlobalCheck',
      '-o',
      report,
    ],
    { cwd: root, encoding: 'utf8' },
  );
  let csv: string;
  try {
    csv = readFileSync(report, 'utf8');
  } catch {
    console.error(`Electronegativity wrote no report.\n${run.stdout}\n${run.stderr}`);
    process.exit(1);
  }
  const findings: Finding[] = csv
    .split(/\r?\n/)
    .slice(1)
    .filter(Boolean)
    .map(csvFields)
    .map(([check = '', severity = '', , file = '', location = '', , description = '']) => ({
      check,
      severity,
      file,
      location,
      description,
    }));
  const reviewed = JSON.parse(readFileSync(join(root, 'security/reviewed-findings.json'), 'utf8')) as Reviewed[];
  const serious = findings.filter((f) => f.severity === 'HIGH' || f.severity === 'MEDIUM');
  const isReviewed = (f: Finding) => reviewed.some((r) => r.check === f.check && r.file === f.file);
  const open = serious.filter((f) => !isReviewed(f));
  const stale = reviewed.filter((r) => !serious.some((f) => f.check === r.check && f.file === r.file));

  console.log(
    `Electronegativity: ${findings.length} findings, ${serious.length} HIGH/MEDIUM, ${serious.length - open.length} of them reviewed.`,
  );
  for (const f of open) console.error(`  ${f.severity} ${f.check} ${f.file}:${f.location} ${f.description}`);
  for (const r of stale) console.error(`  reviewed entry no longer found (remove it): ${r.check} ${r.file}`);
  if (open.length > 0 || stale.length > 0) process.exit(1);
}

main();
