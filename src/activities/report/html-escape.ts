/** Text made safe to put in the HTML report (element content and attribute values). */
export const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
