/**
 * The page's only stylesheet, inlined (no request). Mobile first: one centred card, system
 * fonts with the CJK faces phones ship, large type for the result. Tones set the accent `--a`
 * and its pale tint `--t`.
 */
export const pageStyle = [
  '*{box-sizing:border-box}',
  'html{-webkit-text-size-adjust:100%}',
  'body{margin:0;min-height:100vh;display:flex;flex-direction:column;align-items:center;background:var(--t);color:#22201c;',
  'font:16px/1.55 -apple-system,BlinkMacSystemFont,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",system-ui,sans-serif}',
  '.win{--a:#d0142c;--t:#fff1d6}.ok{--a:#1f8a5b;--t:#e6f4ec}.warn{--a:#c2560c;--t:#fdeedc}.bad{--a:#b3261e;--t:#fbe7e5}.wait{--a:#2f5fb3;--t:#e8eefa}',
  'main{width:100%;max-width:440px;padding:28px 16px 12px}',
  '.card{background:#fff;border-radius:22px;padding:28px 22px 24px;text-align:center;box-shadow:0 8px 28px rgba(40,30,10,.09)}',
  '.em svg{width:92px;height:92px}.em circle{fill:var(--a)}',
  '.em path{fill:none;stroke:#fff;stroke-width:4.5;stroke-linecap:round;stroke-linejoin:round}',
  '.win .em path{fill:#ffd45c;stroke:#ffd45c}',
  '.cp{margin:14px 0 0;font-size:14px;color:#77706a}',
  'h1{margin:6px 0 10px;font-size:26px;line-height:1.3;color:var(--a)}',
  '.prize{margin:14px 0 0;padding:14px;border-radius:16px;background:var(--t)}',
  '.amt{display:block;font-size:40px;font-weight:700;line-height:1.2}.kind{font-size:14px;color:#77706a}',
  'p{margin:0 0 12px}',
  '.note{margin:14px 0 0;padding:12px 14px;border-radius:14px;background:var(--t);text-align:left;font-size:15px}',
  '.note b{display:block;color:var(--a)}',
  '.warn-box{border-left:4px solid var(--a)}',
  '.replay{font-size:14px;color:#77706a}',
  'dl{margin:18px 0 0;display:grid;grid-template-columns:auto 1fr;gap:4px 12px;text-align:left;font-size:13px;color:#77706a}',
  'dd{margin:0;color:#22201c;word-break:break-all;font-family:ui-monospace,Menlo,monospace}',
].join('');
