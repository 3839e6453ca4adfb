import * as assert from 'node:assert/strict';
import { isBoilerplatePath } from '../../scripts/corpus/boilerplate';
import { ParagraphDeduper, estimatedJaccard, foldForDedupe, minHashSignature } from '../../scripts/corpus/dedupe';
import { dropReason } from '../../scripts/corpus/filters';
import { foldocToDocuments } from '../../scripts/corpus/foldoc';
import { htmlToParagraphs } from '../../scripts/corpus/html';
import { markdownToParagraphs } from '../../scripts/corpus/markdown';
import { countWords, normaliseParagraph } from '../../scripts/corpus/normalise';
import { podToParagraphs } from '../../scripts/corpus/pod';
import { manToParagraphs } from '../../scripts/corpus/roff';
import { assignSplit, documentDraw } from '../../scripts/corpus/split';

const texts = (paragraphs: { text: string }[]): string[] => paragraphs.map((p) => normaliseParagraph(p.text));

describe('corpus text', () => {
  describe('HTML extraction', () => {
    const page = `<!DOCTYPE html><html lang="en"><head><title>T</title><style>p{}</style></head><body>
      <nav><ul><li><a href="a.html">Home</a></li></ul></nav>
      <div class="sphinxsidebar"><p>Quick search</p></div>
      <div role="main">
        <h1>Opening files<a class="headerlink" href="#x">¶</a></h1>
        <p>Call <code>open()</code> before
           reading &amp; writing.</p>
        <div class="highlight"><pre>fd = open("x")</pre></div>
        <pre>int main(void);</pre>
        <table><tr><td><p>cell text</p></td></tr></table>
        <ul><li><p>First item of the list</p></li><li>Second <em>item</em></li></ul>
        <dl><dt>term</dt><dd>The definition of the term.</dd></dl>
        <blockquote><div>Quoted text inside a div.</div></blockquote>
        <div>Loose text in a div.</div>
        <script>var x = "<p>not text</p>";</script>
      </div>
      <footer><p>Copyright notice</p></footer></body></html>`;

    it('keeps headings, paragraphs, list items, dd and blockquote text, one paragraph each', () => {
      assert.deepEqual(texts(htmlToParagraphs(page)), [
        'Opening files',
        'Call open() before reading & writing.',
        'First item of the list',
        'Second item',
        'The definition of the term.',
        'Quoted text inside a div.',
      ]);
    });

    it('measures link text so that link lists can be told from prose', () => {
      const [nav, prose] = htmlToParagraphs('<ul><li><a href="x">Next chapter</a></li></ul><p>See <a href="y">this</a> for more details.</p>');
      assert.equal(nav.linkShare, 1);
      assert.ok(prose.linkShare < 0.5);
    });

    it('keeps source-specific prose classes and drops source-specific chrome', () => {
      const javadoc = '<section><div class="block">Returns the hash code of this object.</div><dl class="notes"><dd>the value</dd></dl></section>';
      assert.deepEqual(texts(htmlToParagraphs(javadoc, { keepClasses: ['block'], dropClasses: ['notes'] })), [
        'Returns the hash code of this object.',
      ]);
      const handbook = '<div class="sidebar"><div class="para">Back to basics: a RAID array spreads data over disks.</div></div>';
      assert.deepEqual(texts(htmlToParagraphs(handbook)), []);
      assert.deepEqual(texts(htmlToParagraphs(handbook, { keepClasses: ['para'], contentClasses: ['sidebar'] })), [
        'Back to basics: a RAID array spreads data over disks.',
      ]);
    });

    it('drops a page that declares another language', () => {
      assert.deepEqual(htmlToParagraphs('<html lang="pt-br"><body><p>Endereços e portas</p></body></html>'), []);
    });
  });

  describe('Markdown extraction', () => {
    it('drops front matter, comments, code, tables and link definitions; unwraps inline markup', () => {
      const md = [
        '---',
        'title: "Page"',
        '---',
        '<!-- maintained elsewhere -->',
        '# Getting *started*',
        '',
        'Install the **tool** with `npm` and read the',
        '[guide](https://example.org/guide).',
        '',
        '```sh',
        'npm install tool',
        '```',
        '',
        '    indented code',
        '',
        '| a | b |',
        '|---|---|',
        '| 1 | 2 |',
        '',
        '- first item',
        '- second item',
        '> quoted line',
        '',
        '[guide]: https://example.org',
      ].join('\n');
      assert.deepEqual(texts(markdownToParagraphs(md)), [
        'Getting started',
        'Install the tool with npm and read the guide.',
        'first item',
        'second item',
        'quoted line',
      ]);
    });
  });

  describe('POD and man page extraction', () => {
    it('keeps POD headings and ordinary paragraphs, resolves formatting codes, drops verbatim blocks', () => {
      const pod = '=head1 NAME\n\nperlintro - a brief introduction\n\n=head2 Running\n\nUse B<perl> with C<< $x->y >> and L<the FAQ|perlfaq>.\n\n    print "code";\n\n=begin html\n\n<p>raw</p>\n\n=end html\n\n=cut\n\nsub perl_code {}\n';
      assert.deepEqual(texts(podToParagraphs(pod)), ['NAME', 'perlintro - a brief introduction', 'Running', 'Use perl with $x->y and the FAQ.']);
    });

    it('keeps filled roff text and font-macro arguments, drops synopsis, tags and no-fill blocks', () => {
      const roff = [
        '.\\" comment',
        '.TH PIPE 7',
        '.SH SYNOPSIS',
        '.B int pipe(int fd[2]);',
        '.SH DESCRIPTION',
        'A pipe has a',
        '.I read end',
        'and a',
        '.IR "write end" .',
        '.PP',
        'See',
        '.BR pipe (2)',
        'for an example \\(em it uses \\fBO_RDONLY\\fP\\-style flags.',
        '.TP',
        '.B \\-\\-help',
        'Print help and exit.',
        '.nf',
        'int fd[2];',
        '.fi',
      ].join('\n');
      assert.deepEqual(texts(manToParagraphs(roff)), [
        'DESCRIPTION',
        'A pipe has a read end and a write end.',
        'See pipe(2) for an example — it uses O_RDONLY-style flags.',
        'Print help and exit.',
      ]);
    });
  });

  describe('FOLDOC extraction', () => {
    it('makes one document per entry, with cross-references and URLs unwrapped', () => {
      const dict = [
        '00-database-info',
        '   The dictionary header.',
        '',
        'abstract data type',
        'ADT',
        '',
        '   <programming> (ADT) A kind of {data abstraction} where a',
        '   type\'s internal form is hidden {(http://x.org/y)}.',
        '',
        '   (2003-07-03)',
        '',
        'accumulator',
        '',
        '   2. <hardware> A register.',
      ].join('\n');
      const docs = foldocToDocuments(dict);
      assert.deepEqual(
        docs.map((d) => [d.id, texts(d.paragraphs)]),
        [
          ['abstract data type', ["(ADT) A kind of data abstraction where a type's internal form is hidden.", '(2003-07-03)']],
          ['accumulator', ['A register.']],
        ],
      );
    });
  });

  describe('normalisation', () => {
    it('collapses whitespace and maps typographic quotes to the ASCII ones editors type', () => {
      assert.equal(normaliseParagraph('  It\u2019s  \u201cquoted\u201d\n\tand\u00a0spaced\u2026 '), 'It\'s "quoted" and spaced...');
      assert.equal(countWords('one two three'), 3);
      assert.equal(countWords(''), 0);
    });
  });

  describe('filters', () => {
    it('keeps English prose, including code names in it', () => {
      assert.equal(dropReason('Call pci_register_driver() before you touch the device registers.', 0), null);
      assert.equal(dropReason('See https://www.kernel.org/doc/html/latest/process/submitting-patches.html for the rules.', 0), null);
    });

    it('drops each kind of non-prose with its reason', () => {
      assert.equal(dropReason('Next chapter here', 0), 'short');
      assert.equal(dropReason('Read the next chapter about files', 0.9), 'navigation');
      assert.equal(dropReason('Die Datei wird beim Start des Servers gelesen und ausgewertet.', 0), 'no-stop-words');
      assert.equal(dropReason('Le fichier est lu au démarrage du serveur et chaque directive est évaluée.', 0), 'no-stop-words');
      assert.equal(dropReason('Этот файл читается при запуске сервера и проверяется.', 0), 'non-latin-script');
      assert.equal(dropReason('0x00 0x01 0x02 0x03 = 0x04 {a: [1, 2]} => the value', 0), 'symbols');
      assert.equal(dropReason('This is the value of a2f9c0d1e7b6a5f4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8 here', 0), 'symbols');
      assert.equal(dropReason('THE SOFTWARE IS OF THE HIGHEST QUALITY AND IT IS FAST', 0), 'all-caps');
      assert.equal(dropReason('Permission is hereby granted, free of charge, to any person obtaining a copy', 0), 'boilerplate');
      assert.equal(dropReason('Signed-off-by: Random J Developer <random@developer.example.org>', 0), 'boilerplate');
    });

    it('recognises changelogs, release notes and licence files by path', () => {
      for (const path of ['usr/share/doc/x/changelog.Debian.gz', 'html/whatsnew/3.11.html', 'html/releases/4.2.html', 'doc/LICENSE', 'html/release-notes.html', 'COPYING']) {
        assert.ok(isBoilerplatePath(path), path);
      }
      for (const path of ['html/library/os.html', 'html/howto/logging.html', 'html/reference/datamodel.html']) {
        assert.ok(!isBoilerplatePath(path), path);
      }
    });
  });

  describe('de-duplication', () => {
    const long =
      'The kernel keeps a cache of recently used directory entries so that looking up a path does not need to read ' +
      'the disk again. Entries that have not been used for a while are freed when memory runs short, and the ' +
      'cache is shrunk further under pressure from other users of memory in the system.';

    it('drops exact copies, also when they differ only in case and punctuation', () => {
      const d = new ParagraphDeduper();
      assert.equal(d.check(long), null);
      assert.equal(d.check(long), 'duplicate');
      assert.equal(d.check(long.toUpperCase().replace(/\./g, '!')), 'duplicate');
    });

    it('drops near copies and keeps different paragraphs', () => {
      const d = new ParagraphDeduper();
      assert.equal(d.check(long), null);
      assert.equal(d.check(long.replace('recently used', 'recently accessed')), 'near-duplicate');
      assert.equal(d.check('A pipe has a read end and a write end; data written to one can be read from the other.'), null);
    });

    it('estimates Jaccard similarity from MinHash signatures', () => {
      const a = minHashSignature(foldForDedupe(long));
      const b = minHashSignature(foldForDedupe(`${long} One more sentence at the end of it.`));
      const c = minHashSignature(foldForDedupe('Completely unrelated words about pipes and sockets in user space programs.'));
      assert.equal(estimatedJaccard(a, a), 1);
      assert.ok(estimatedJaccard(a, b) > 0.6);
      assert.ok(estimatedJaccard(a, c) < 0.2);
    });
  });

  describe('split', () => {
    it('assigns a document by its identity alone, in the proportions asked for', () => {
      const params = { seed: 's', valid: 0.01, test: 0.01 };
      assert.equal(documentDraw('s', 'pkg', 'a.html'), documentDraw('s', 'pkg', 'a.html'));
      assert.notEqual(documentDraw('s', 'pkg', 'a.html'), documentDraw('t', 'pkg', 'a.html'));
      const counts = { train: 0, valid: 0, test: 0 };
      for (let i = 0; i < 20_000; i++) counts[assignSplit(documentDraw('s', 'pkg', `doc${i}`), params)]++;
      assert.ok(counts.valid > 140 && counts.valid < 260, JSON.stringify(counts));
      assert.ok(counts.test > 140 && counts.test < 260, JSON.stringify(counts));
    });
  });
});
