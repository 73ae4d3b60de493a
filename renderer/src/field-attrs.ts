/**
 * The attributes a Base* field passes to its control: all but `class` and `style`, which place the
 * field itself. A function of `$attrs` rather than a computed: `$attrs` is not reactive, but the
 * template that calls this re-renders whenever it changes.
 */
export function controlAttrs(attrs: Record<string, unknown>): Record<string, unknown> {
  const { class: _class, style: _style, ...rest } = attrs;
  return rest;
}
