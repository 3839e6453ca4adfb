// HTML -> prose paragraphs. A small state machine over htmlparser2's SAX events rather than a DOM: the inputs are
// tens of thousands of pages and only a stack of "is this text prose?" decisions is needed.
import { Parser } from 'htmlparser2';
import { RawParagraph } from './paragraph';

export interface HtmlOptions {
  /** Class names whose element holds prose directly, e.g. javadoc's div.block (doc comments without a <p>). */
  keepClasses?: readonly string[];
  /** Class names whose element (with everything inside) is not prose for this source. */
  dropClasses?: readonly string[];
  /** Class names that usually mark page chrome but hold prose in this source (debian-handbook's sidebars are asides). */
  contentClasses?: readonly string[];
  /** Element ids whose element (with everything inside) is not prose for this source. */
  dropIds?: readonly string[];
}

/** Elements whose text is prose. */
const KEEP_TAGS = new Set(['p', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'dd', 'blockquote']);

/**
 * Subtrees that are never prose: code blocks, tables, navigation, scripts, forms, and dt, which holds a glossary
 * term or, in generated API pages, a signature.
 */
const DROP_TAGS = new Set([
  'head', 'script', 'style', 'noscript', 'template', 'nav', 'header', 'footer', 'aside', 'pre', 'xmp', 'listing',
  'plaintext', 'table', 'form', 'button', 'select', 'textarea', 'svg', 'math', 'iframe', 'object', 'canvas', 'dt',
  'figure', 'map',
]);

// Inline code is kept: dropping `open()` out of "call open() first" would leave a broken sentence, and the symbol
// filter drops paragraphs that are mostly code.
const INLINE_TAGS = new Set([
  'a', 'abbr', 'acronym', 'b', 'bdi', 'bdo', 'big', 'cite', 'code', 'data', 'del', 'dfn', 'em', 'font', 'i', 'img',
  'ins', 'kbd', 'mark', 'nobr', 'q', 's', 'samp', 'small', 'span', 'strike', 'strong', 'sub', 'sup', 'time', 'tt',
  'u', 'var', 'wbr', 'br',
]);

/** Class names that documentation generators (Sphinx, its themes, rustdoc, javadoc, DocBook, mdBook) give to chrome. */
const DROP_CLASSES = new Set([
  'sphinxsidebar', 'sphinxsidebarwrapper', 'related', 'relbar', 'headerlink', 'section-number', 'footer', 'header',
  'navigation', 'navbar', 'nav', 'navheader', 'navfooter', 'breadcrumb', 'breadcrumbs', 'toc', 'toctree-wrapper',
  'sidebar', 'highlight', 'doctest', 'linenos', 'copyright', 'sig', 'sig-object', 'rst-footer-buttons',
  'viewcode-link', 'viewcode-back', 'searchbox', 'menu', 'programlisting', 'screen', 'synopsis', 'cmdsynopsis',
  'funcsynopsis', 'literallayout', 'example-wrap', 'code-header', 'search-form', 'top-nav', 'sub-nav',
  'legalnotice', 'mobile-nav', 'docs-nav', 'pager',
]);
const DROP_IDS = new Set(['header', 'footer', 'nav', 'navigation', 'sidebar', 'toc', 'menu', 'quickview', 'topbar']);
const DROP_ROLES = new Set(['navigation', 'search', 'banner', 'contentinfo']);

type Mode = 'skip' | 'keep' | 'ignore';

interface Frame {
  mode: Mode;
  link: boolean;
}

/** The prose of a page, or nothing if the page declares a language other than English. */
export function htmlToParagraphs(html: string, options: HtmlOptions = {}): RawParagraph[] {
  const keepClasses = new Set(options.keepClasses ?? []);
  const dropClasses = new Set(options.dropClasses ?? []);
  const dropIds = new Set([...DROP_IDS, ...(options.dropIds ?? [])]);
  const contentClasses = new Set(options.contentClasses ?? []);
  const paragraphs: RawParagraph[] = [];
  const stack: Frame[] = [{ mode: 'ignore', link: false }];
  let buffer = '';
  let linkChars = 0;
  let linkDepth = 0;
  let foreign = false;

  const flush = (): void => {
    const chars = countVisible(buffer);
    if (chars > 0) paragraphs.push({ text: buffer, linkShare: Math.min(1, linkChars / chars) });
    buffer = '';
    linkChars = 0;
  };

  const dropped = (name: string, attrs: Record<string, string>): boolean => {
    if (DROP_TAGS.has(name)) return true;
    if (attrs.id !== undefined && dropIds.has(attrs.id.toLowerCase())) return true;
    if (attrs.role !== undefined && DROP_ROLES.has(attrs.role.toLowerCase())) return true;
    if (attrs.hidden !== undefined || attrs['aria-hidden'] === 'true') return true;
    return classList(attrs).some((c) => (DROP_CLASSES.has(c) && !contentClasses.has(c)) || dropClasses.has(c));
  };

  const parser = new Parser(
    {
      onopentag(name, attrs) {
        const parent = stack[stack.length - 1];
        // Debian's apache2-doc ships some translated pages in its English folder; the page says so.
        if (name === 'html' && attrs.lang !== undefined && !/^en\b/i.test(attrs.lang)) foreign = true;
        if (parent.mode === 'skip') {
          stack.push({ mode: 'skip', link: false });
          return;
        }
        if (!INLINE_TAGS.has(name)) flush();
        let mode: Mode = parent.mode;
        if (dropped(name, attrs)) mode = 'skip';
        else if (KEEP_TAGS.has(name) || classList(attrs).some((c) => keepClasses.has(c))) mode = 'keep';
        const link = mode !== 'skip' && name === 'a' && attrs.href !== undefined;
        if (link) linkDepth++;
        if (name === 'br' && mode === 'keep') buffer += ' ';
        stack.push({ mode, link });
      },
      ontext(text) {
        if (stack[stack.length - 1].mode !== 'keep') return;
        buffer += text;
        if (linkDepth > 0) linkChars += countVisible(text);
      },
      onclosetag(name) {
        const frame = stack.pop();
        if (frame === undefined || stack.length === 0) {
          // Unbalanced markup closed the root; put it back so later text is still judged.
          stack.push({ mode: 'ignore', link: false });
          return;
        }
        if (frame.link) linkDepth--;
        if (frame.mode !== 'skip' || stack[stack.length - 1].mode !== 'skip') {
          if (!INLINE_TAGS.has(name)) flush();
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  flush();
  return foreign ? [] : paragraphs;
}

function classList(attrs: Record<string, string>): string[] {
  const value = attrs.class;
  return value === undefined ? [] : value.toLowerCase().split(/\s+/).filter((c) => c.length > 0);
}

function countVisible(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 32 && c !== 160) n++;
  }
  return n;
}
