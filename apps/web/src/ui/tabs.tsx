import * as TabsPrimitive from '@radix-ui/react-tabs';
import type { ReactNode } from 'react';

export const TabsRoot = TabsPrimitive.Root;
export const TabsContent = TabsPrimitive.Content;

export function TabsList({ items, label }: { items: readonly { value: string; label: ReactNode }[]; label: string }) {
  return (
    <TabsPrimitive.List aria-label={label} className="flex gap-0 border-b border-line">
      {items.map((i) => (
        <TabsPrimitive.Trigger
          key={i.value}
          value={i.value}
          className="-mb-px border-b border-transparent px-3 py-1.5 text-dim hover:text-fg data-[state=active]:border-fg data-[state=active]:text-fg"
        >
          {i.label}
        </TabsPrimitive.Trigger>
      ))}
    </TabsPrimitive.List>
  );
}
