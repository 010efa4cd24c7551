import { Injectable } from '@nestjs/common';
import { toBuffer, toString as toQrString } from 'qrcode';
import { CanteenForMealCode, MealSlotForPoster, RegionForPoster } from './meal-code.repository';

/** QR rendering settings: error correction M (15 %), the standard 4-module quiet zone, at least 512 px. */
export const QR_ERROR_CORRECTION = 'M' as const;
export const QR_MARGIN_MODULES = 4;
export const QR_PNG_WIDTH_PX = 720;

export const CANTEEN_LEVEL_LABEL: Readonly<Record<CanteenForMealCode['level'], string>> = {
  city: '市级机关食堂',
  county: '县级机关食堂',
  township: '乡镇机关食堂',
  village: '村级廉政灶',
};

export const MEAL_SLOT_LABEL: Readonly<Record<MealSlotForPoster['slot'], string>> = {
  breakfast: '早餐',
  lunch: '午餐',
  dinner: '晚餐',
};

export interface PosterData {
  canteen: CanteenForMealCode;
  /** The canteen's region and its ancestors, city first. */
  regions: RegionForPoster[];
  slots: MealSlotForPoster[];
  version: number;
  /** The QR as an SVG document (from renderSvg). */
  qrSvg: string;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/** 1500 → "15.00 元" (integer arithmetic, no floating point). */
export function formatYuan(fen: number): string {
  if (!Number.isInteger(fen)) throw new Error(`an amount in fen must be an integer, got ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} 元`;
}

/** "06:30:00" → "06:30". */
function wallClock(time: string): string {
  return time.slice(0, 5);
}

/** The SVG of `qrcode` starts with an XML-free `<svg …>` element; anything else is refused before inlining. */
function assertQrSvg(svg: string): string {
  const trimmed = svg.trim();
  if (!trimmed.startsWith('<svg') || !trimmed.endsWith('</svg>') || /<script|\son\w+\s*=/i.test(trimmed)) {
    throw new Error('unexpected QR SVG output');
  }
  return trimmed;
}

/** Renders meal-code QR images and the printable A4 poster page. */
@Injectable()
export class MealCodeRenderer {
  renderPng(text: string): Promise<Buffer> {
    return toBuffer(text, { type: 'png', errorCorrectionLevel: QR_ERROR_CORRECTION, margin: QR_MARGIN_MODULES, width: QR_PNG_WIDTH_PX });
  }

  renderSvg(text: string): Promise<string> {
    return toQrString(text, { type: 'svg', errorCorrectionLevel: QR_ERROR_CORRECTION, margin: QR_MARGIN_MODULES });
  }

  /** A self-contained zh-CN HTML page sized for A4. Every text from the database is escaped. */
  renderPoster(data: PosterData): string {
    const { canteen, regions, slots, version } = data;
    const name = escapeHtml(canteen.name);
    const level = escapeHtml(CANTEEN_LEVEL_LABEL[canteen.level] ?? canteen.level);
    const regionText = escapeHtml(regions.length > 0 ? regions.map((r) => r.name).join(' · ') : canteen.regionCode);
    const slotRows =
      slots.length === 0
        ? '<tr><td colspan="4" class="empty">暂未设置餐次</td></tr>'
        : slots
            .map(
              (s) =>
                `<tr><th scope="row">${escapeHtml(MEAL_SLOT_LABEL[s.slot] ?? s.slot)}</th>` +
                `<td>${escapeHtml(wallClock(s.opensAt))} – ${escapeHtml(wallClock(s.closesAt))}</td>` +
                `<td>${escapeHtml(formatYuan(s.staffPriceFen))}</td>` +
                `<td>${escapeHtml(formatYuan(s.visitorPriceFen))}</td></tr>`,
            )
            .join('\n          ');
    return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>用餐码 · ${name}</title>
  <style>
    @page { size: A4; margin: 12mm; }
    * { box-sizing: border-box; }
    html, body { margin: 0; padding: 0; }
    body { font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; color: #1a1a1a; }
    .poster { width: 186mm; min-height: 270mm; margin: 0 auto; padding: 8mm 10mm; border: 1.5mm solid #b71c1c; display: flex; flex-direction: column; align-items: center; }
    .brand { font-size: 14pt; letter-spacing: 0.3em; color: #b71c1c; margin: 0; }
    h1 { font-size: 28pt; margin: 4mm 0 2mm; text-align: center; word-break: break-all; }
    .meta { font-size: 13pt; margin: 0 0 4mm; color: #444; text-align: center; }
    .qr { width: 120mm; height: 120mm; }
    .qr svg { width: 100%; height: 100%; display: block; }
    .cta { font-size: 30pt; font-weight: bold; letter-spacing: 0.4em; margin: 4mm 0 1mm; color: #b71c1c; }
    .how { font-size: 14pt; margin: 0 0 5mm; }
    table { border-collapse: collapse; width: 100%; font-size: 13pt; }
    th, td { border: 0.3mm solid #999; padding: 2mm 3mm; text-align: center; }
    thead th { background: #f3e5e5; }
    .empty { color: #777; }
    .foot { margin-top: auto; padding-top: 4mm; font-size: 9pt; color: #777; text-align: center; }
    @media print { .poster { border-color: #b71c1c; } }
  </style>
</head>
<body>
  <main class="poster">
    <p class="brand">公务餐 · 用餐码</p>
    <h1>${name}</h1>
    <p class="meta">${level} ｜ ${regionText}</p>
    <div class="qr" role="img" aria-label="${name} 用餐码">${assertQrSvg(data.qrSvg)}</div>
    <p class="cta">扫码就餐</p>
    <p class="how">用浙政钉扫描此码，出示就餐凭证</p>
    <table>
      <thead>
        <tr><th scope="col">餐次</th><th scope="col">供餐时间</th><th scope="col">本单位</th><th scope="col">外单位</th></tr>
      </thead>
      <tbody>
          ${slotRows}
      </tbody>
    </table>
    <p class="foot">食堂编号 ${escapeHtml(canteen.code)} ｜ 用餐码第 ${version} 版 ｜ 请勿遮挡、涂改或翻拍转发</p>
  </main>
</body>
</html>
`;
  }
}
