// A model declaration as Markdown: what docs/models.md shows for each built-in model (kept in
// step with the declarations by tests/docs.test.ts), and what a user's own model looks like.
import { type ModelDeclaration, parseModel } from './model.js';

const dedent = (text: string) => {
  const lines = text.replace(/^\n+|\s+$/g, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
};
const cell = (x: unknown) => (x === undefined || x === '' ? '' : String(x).replace(/\|/g, '\\|'));

export function modelMarkdown(d: ModelDeclaration): string {
  const out = [`### ${d.name}`, '', `${d.summary}.`, ''];
  out.push('| state | unit | initial value |', '|---|---|---|');
  for (const [k, s] of Object.entries(d.state)) out.push(`| ${k} | ${cell(s.unit)} | \`${s.init}\` |`);
  out.push('');
  if (Object.keys(d.parameters).length > 0) {
    out.push('| parameter | default | unit | range | meaning |', '|---|---:|---|---|---|');
    for (const [k, p] of Object.entries(d.parameters)) {
      const range = p.min === undefined && p.max === undefined ? '' : `[${p.min ?? '−∞'}, ${p.max ?? '∞'}]`;
      out.push(`| ${k} | ${+p.default.toPrecision(10)} | ${cell(p.unit)} | ${range} | ${cell(p.doc)} |`);
    }
    out.push('');
  }
  const presets = Object.entries(d.presets ?? {});
  if (presets.length > 0) {
    out.push(`Presets: ${presets.map(([k, v]) => `\`${k}\` (${Object.entries(v).map(([p, x]) => `${p} = ${+x.toPrecision(10)}`).join(', ')})`).join('; ')}.`, '');
  }
  const { integrator } = parseModel(d);
  if (d.equations) out.push(`Equations (any generic integrator; \`${integrator}\` by default):`, '```', dedent(d.equations), '```', '');
  for (const [k, text] of Object.entries(d.schemes ?? {})) out.push(`Scheme \`${k}\` (one step${integrator === k ? ', the default' : ''}):`, '```', dedent(text), '```', '');
  if (d.threshold) out.push(`Spike: \`${d.threshold}\`${d.crossing ? ' turning true in the step (an upward crossing)' : ' after the step'}.`);
  if (d.reset) out.push(`Reset: \`${dedent(d.reset).split('\n').join('; ')}\`.`);
  if (d.refractory) {
    const clamp = d.clampWhileRefractory?.length ? `, holding ${d.clampWhileRefractory.join(', ')}` : '';
    out.push(`Refractory period: \`${d.refractory}\` ms (no threshold test during it${clamp}).`);
  }
  return out.join('\n').replace(/\n*$/, '\n');
}
