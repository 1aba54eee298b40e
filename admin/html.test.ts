import { describe, expect, it } from 'vitest';
import { html, raw } from './html.js';

describe('html tagged template', () => {
  it('escapes every interpolated value, attributes included', () => {
    const attack = `"><script>alert('x')</script>&`;
    expect(html`<p title="${attack}">${attack}</p>`.text).toBe(
      '<p title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</p>',
    );
  });

  it('nests templates and raw() fragments unescaped, joins arrays, drops null and false', () => {
    const items = ['<a>', 'b'].map((item) => html`<li>${item}</li>`);
    expect(html`<ul>${items}${raw('<hr>')}${null}${false}${0}</ul>`.text).toBe('<ul><li>&lt;a&gt;</li><li>b</li><hr>0</ul>');
  });
});
