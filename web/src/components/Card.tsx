// Page building blocks: a titled card and a big-number stat.
import type { ComponentChildren } from 'preact';

export function Card({ title, children, wide, id }: { title: string; children: ComponentChildren; wide?: boolean; id?: string }) {
  return (
    <section class={wide ? 'card wide' : 'card'} aria-labelledby={id ? `${id}-h` : undefined}>
      <h2 id={id ? `${id}-h` : undefined}>{title}</h2>
      {children}
    </section>
  );
}

export function Stat({ label, value, hint, testid }: { label: string; value: string; hint?: string; testid?: string }) {
  return (
    <div class="stat" data-testid={testid}>
      <div class="stat-value">{value}</div>
      <div class="stat-label">{label}</div>
      {hint && <div class="stat-hint">{hint}</div>}
    </div>
  );
}
