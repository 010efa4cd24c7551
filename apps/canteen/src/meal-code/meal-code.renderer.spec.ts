import { MealCodeErrorCode } from './meal-code.exceptions';
import { resolveMealCodeOptions } from './meal-code.options';
import { escapeHtml, formatYuan, MealCodeRenderer } from './meal-code.renderer';
import { extractMealCodeToken, toMealCodeText } from './meal-code-text';

describe('meal-code pure helpers', () => {
  it('formats fen as 元 with integer arithmetic', () => {
    expect(formatYuan(1500)).toBe('15.00 元');
    expect(formatYuan(1850)).toBe('18.50 元');
    expect(formatYuan(5)).toBe('0.05 元');
    expect(formatYuan(0)).toBe('0.00 元');
    expect(formatYuan(-1205)).toBe('-12.05 元');
    expect(() => formatYuan(10.5)).toThrow();
  });

  it('escapes HTML special characters', () => {
    expect(escapeHtml(`<img src=x onerror="a('1')">&\``)).toBe('&lt;img src=x onerror=&quot;a(&#39;1&#39;)&quot;&gt;&amp;&#96;');
  });

  it('renders a poster without slots and escapes every database text', async () => {
    const renderer = new MealCodeRenderer();
    const qrSvg = await renderer.renderSvg('https://meal.test.local/m/a.b.c');
    const html = renderer.renderPoster({
      canteen: { id: 'x', code: 'C-<1>', name: '村<i>灶</i>', level: 'village', regionCode: '330802001001', latitude: 0, longitude: 0, geofenceRadiusM: 100, active: true },
      regions: [{ code: '330800', name: '衢州市', level: 'city' }, { code: '330802001001', name: '<b>村</b>', level: 'village' }],
      slots: [],
      version: 3,
      qrSvg,
    });
    expect(html).toContain('村级廉政灶');
    expect(html).toContain('村&lt;i&gt;灶&lt;/i&gt;');
    expect(html).toContain('衢州市 · &lt;b&gt;村&lt;/b&gt;');
    expect(html).toContain('C-&lt;1&gt;');
    expect(html).toContain('暂未设置餐次');
    expect(html).toContain('用餐码第 3 版');
    expect(html).not.toMatch(/<(i|b)>/);
  });

  it('refuses to inline anything but a plain SVG', () => {
    const renderer = new MealCodeRenderer();
    const base = { canteen: { id: 'x', code: 'c', name: 'n', level: 'city' as const, regionCode: '330800', latitude: 0, longitude: 0, geofenceRadiusM: 100, active: true }, regions: [], slots: [], version: 1 };
    expect(() => renderer.renderPoster({ ...base, qrSvg: '<svg><script>alert(1)</script></svg>' })).toThrow();
    expect(() => renderer.renderPoster({ ...base, qrSvg: '<svg onload="alert(1)"></svg>' })).toThrow();
  });

  it('builds and parses the QR text', () => {
    const text = toMealCodeText('https://meal.example', 'aa.bb.cc');
    expect(text).toBe('https://meal.example/m/aa.bb.cc');
    expect(extractMealCodeToken(text, ['https://meal.example'])).toBe('aa.bb.cc');
    expect(extractMealCodeToken(text, ['https://old.example', 'https://meal.example'])).toBe('aa.bb.cc');
    for (const bad of [undefined, 42, '', 'https://meal.example/m/aa.bb', 'https://meal.example/m/aa.bb.cc#x', 'http://meal.example/m/aa.bb.cc']) {
      expect(() => extractMealCodeToken(bad, ['https://meal.example'])).toThrow(expect.objectContaining({ code: MealCodeErrorCode.Malformed }));
    }
  });

  it('resolves options with defaults and refuses bad ones', () => {
    const options = resolveMealCodeOptions({ publicBaseUrl: 'https://meal.example/', acceptedBaseUrls: ['https://old.example', ''] });
    expect(options).toMatchObject({
      privateKeyFile: '.run/keys/meal-code-private.pem',
      publicKeyFile: '.run/keys/meal-code-public.pem',
      publicBaseUrl: 'https://meal.example',
      acceptedBaseUrls: ['https://meal.example', 'https://old.example'],
      defaultGraceSeconds: 86400,
      maxGraceSeconds: 604800,
    });
    expect(() => resolveMealCodeOptions({ publicBaseUrl: 'ftp://x' })).toThrow();
    expect(() => resolveMealCodeOptions({ publicBaseUrl: 'https://x/?q=1' })).toThrow();
    expect(() => resolveMealCodeOptions({ defaultGraceSeconds: 10, maxGraceSeconds: 5 })).toThrow();
    expect(() => resolveMealCodeOptions({ maxGraceSeconds: 365 * 24 * 3600 })).toThrow();
  });
});
