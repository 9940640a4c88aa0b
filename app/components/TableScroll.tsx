import { useEffect, useRef, useState, type ReactNode } from "react";

/**
 * A table that may be wider than the page scrolls sideways inside this box, so the page itself
 * never does. While it scrolls it is a named region (the table's caption or heading by id, or
 * `label`, both from the i18n files) in the tab order, so keyboard users scroll it with the arrow
 * keys (WCAG 2.1.1) and screen-reader users hear what it holds. One that fits drops both after
 * hydration: no empty tab stop. Without JavaScript it stays focusable, the safe side.
 */
export function TableScroll({ labelledBy, label, className, children }: { labelledBy?: string; label?: string; className?: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(true);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    // Sideways, or down in a box of bounded height (DataTable's sticky header).
    const measure = () => setScrolls(element.scrollWidth > element.clientWidth + 1 || element.scrollHeight > element.clientHeight + 1);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    if (element.firstElementChild) observer.observe(element.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return (
    <div
      ref={ref}
      className={className ? `table-scroll ${className}` : "table-scroll"}
      role={scrolls ? "region" : undefined}
      tabIndex={scrolls ? 0 : undefined}
      aria-labelledby={scrolls ? labelledBy : undefined}
      aria-label={scrolls && !labelledBy ? label : undefined}
      data-scrolls={scrolls ? "true" : "false"}
    >
      {children}
    </div>
  );
}
