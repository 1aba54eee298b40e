import type { UaClass } from '../core/scan/ua-classes.js';

/** Browser automation announcing itself (headless Chrome, PhantomJS, WebDriver tooling). */
const headless = /headless|phantomjs|slimerjs|puppeteer|playwright|selenium|webdriver/i;

/**
 * HTTP libraries, load tools and crawlers: no person behind the screen. `bot/` needs the slash
 * (Googlebot/2.1) so phone names such as "Cubot X30" stay phones; okhttp is left out because
 * Android apps send it.
 */
const bot =
  /^(?:curl|wget|python-|go-http-client|java\/|apache-httpclient|axios|node-fetch|undici|k6|wrk|ab\/|libwww-perl|httpie|postmanruntime|insomnia|scrapy|aiohttp|httpx)|bot\/|crawler|spider|slurp/i;

/** Phones and tablets, including in-app browsers (WeChat, Alipay) that name the phone's OS. */
const mobile = /iphone|ipad|ipod|android|mobile|harmonyos|openharmony|windows phone/i;

const desktop = /windows nt|macintosh|x11|cros|linux x86_64/i;

/** Automation checks come first: headless browsers and crawlers often copy a phone's agent. */
export function classifyUserAgent(userAgent: string): UaClass {
  if (userAgent.trim() === '') return 'unknown';
  if (headless.test(userAgent)) return 'headless';
  if (bot.test(userAgent)) return 'bot';
  if (mobile.test(userAgent)) return 'mobile';
  if (desktop.test(userAgent)) return 'desktop';
  return 'unknown';
}
