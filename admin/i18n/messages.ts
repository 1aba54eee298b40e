import type { Texts } from './locale.js';

/** Texts shared by every page: the frame, the login, the refusals. Each part keeps its own next to it. */
export const commonTexts: Texts<{
  consoleName: string;
  signedInAs: string;
  logout: string;
  switchTo: string;
  roles: Record<'admin' | 'reviewer' | 'viewer', string>;
  loginTitle: string;
  username: string;
  password: string;
  login: string;
  loginFailed: string;
  forbiddenTitle: string;
  forbidden: string;
  csrfTitle: string;
  csrf: string;
  badRequestTitle: string;
  notFoundTitle: string;
  filter: string;
  noRows: string;
  previous: string;
  next: string;
}> = {
  'zh-CN': {
    consoleName: 'scangate 管理控制台',
    signedInAs: '当前用户',
    logout: '退出登录',
    switchTo: 'English',
    roles: { admin: '管理员', reviewer: '审核员', viewer: '只读' },
    loginTitle: '登录',
    username: '用户名',
    password: '密码',
    login: '登录',
    loginFailed: '登录失败：用户名或密码错误，或尝试次数过多，请稍后再试。',
    forbiddenTitle: '无权访问',
    forbidden: '您的角色无权执行此操作。',
    csrfTitle: '请求已过期',
    csrf: '表单已失效，请返回并重新提交。',
    badRequestTitle: '请求无效',
    notFoundTitle: '页面不存在',
    filter: '筛选',
    noRows: '没有记录。',
    previous: '上一页',
    next: '下一页',
  },
  en: {
    consoleName: 'scangate admin console',
    signedInAs: 'Signed in as',
    logout: 'Log out',
    switchTo: '中文',
    roles: { admin: 'admin', reviewer: 'reviewer', viewer: 'viewer' },
    loginTitle: 'Log in',
    username: 'Username',
    password: 'Password',
    login: 'Log in',
    loginFailed: 'Login failed: wrong username or password, or too many attempts. Try again later.',
    forbiddenTitle: 'Forbidden',
    forbidden: 'Your role may not do this.',
    csrfTitle: 'Form expired',
    csrf: 'This form is no longer valid. Go back and submit it again.',
    badRequestTitle: 'Bad request',
    notFoundTitle: 'Not found',
    filter: 'Filter',
    noRows: 'Nothing here.',
    previous: 'Previous',
    next: 'Next',
  },
};
