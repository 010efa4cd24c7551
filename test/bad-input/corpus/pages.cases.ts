/**
 * Names with script in them, created through the admin API and then shown by the pages. In real Chromium every one
 * must appear as literal text where the page shows it, and no script may run (window.__xss stays undefined; no
 * injected element; no CSP report of a blocked inline handler, which would mean markup was parsed).
 */
export const XSS_NAMES = {
  region: '<img src=x onerror=window.__xss=6>注入街道',
  unit: '<img src=x onerror=window.__xss=1>柯城区注入局',
  staff: '<script>window.__xss=2</script>张注入',
  canteen: '"><svg onload=window.__xss=3>注入食堂',
  terminal: '<img src=x onerror=window.__xss=4>注入终端',
  admin: '<iframe srcdoc="<script>parent.__xss=5</script>">李管理',
} as const;

export type XssName = keyof typeof XSS_NAMES;
export type PageName = 'diner' | 'terminal' | 'admin' | 'poster';

export interface PageTextCase {
  name: string;
  page: PageName;
  selector: string;
  /** The element's textContent equals the name, or contains every listed name. */
  equals?: XssName;
  contains?: XssName[];
}

export const PAGE_TEXT_CASES: readonly PageTextCase[] = [
  { name: 'diner: signed-in name', page: 'diner', selector: '#who-name', equals: 'staff' },
  { name: 'diner: pass shows the diner', page: 'diner', selector: '#pass-name', equals: 'staff' },
  { name: 'diner: pass shows the unit', page: 'diner', selector: '#pass-unit', equals: 'unit' },
  { name: 'diner: pass shows the canteen', page: 'diner', selector: '#pass-canteen', equals: 'canteen' },
  { name: 'diner: my meals list the canteen', page: 'diner', selector: '#history', contains: ['canteen'] },
  { name: 'terminal: header shows canteen and terminal', page: 'terminal', selector: '#who-name', contains: ['canteen', 'terminal'] },
  { name: 'terminal: summary shows the canteen', page: 'terminal', selector: '#summary-date', contains: ['canteen'] },
  { name: 'terminal: verdict shows the diner', page: 'terminal', selector: '#verdict-name', equals: 'staff' },
  { name: 'terminal: verdict shows the unit', page: 'terminal', selector: '#verdict-detail', contains: ['unit'] },
  { name: 'terminal: live feed shows the diner', page: 'terminal', selector: '#feed', contains: ['staff'] },
  { name: 'admin: signed-in name', page: 'admin', selector: '#who-name', equals: 'admin' },
  { name: 'admin: canteen list', page: 'admin', selector: '#canteens', contains: ['canteen'] },
  { name: 'admin: selected canteen', page: 'admin', selector: '#canteen-name', equals: 'canteen' },
  { name: 'poster: canteen and region', page: 'poster', selector: 'body', contains: ['canteen', 'region'] },
];

/** Per page: no script ran and nothing was parsed as markup. */
export const PAGE_NO_SCRIPT_CASES: readonly PageName[] = ['diner', 'terminal', 'admin', 'poster'];
