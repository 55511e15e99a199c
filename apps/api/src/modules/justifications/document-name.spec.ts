import { contentDisposition, safeDocumentName } from './document-name.js';

describe('safeDocumentName', () => {
  it('keeps only the last path segment and the detected extension', () => {
    expect(safeDocumentName('../../etc/passwd.pdf', 'pdf')).toBe('passwd.pdf');
    expect(safeDocumentName('..\\..\\windows\\win.ini', 'pdf')).toBe('win.pdf');
    expect(safeDocumentName('photo.PNG', 'jpg')).toBe('photo.jpg');
    expect(safeDocumentName('atestado médico.pdf', 'pdf')).toBe('atestado médico.pdf');
  });

  it('removes control characters, quotes and bidi overrides, and never returns an empty or dot name', () => {
    expect(safeDocumentName('a\r\nb"c;d.pdf', 'pdf')).toBe('abcd.pdf');
    expect(safeDocumentName('evil\u202etxt.pdf', 'pdf')).toBe('eviltxt.pdf');
    expect(safeDocumentName('..', 'pdf')).toBe('document.pdf');
    expect(safeDocumentName('', 'png')).toBe('document.png');
    expect(safeDocumentName(undefined, 'png')).toBe('document.png');
  });

  it('bounds the length', () => {
    const name = safeDocumentName(`${'x'.repeat(300)}.pdf`, 'pdf');
    expect(name.length).toBeLessThanOrEqual(100);
    expect(name.endsWith('.pdf')).toBe(true);
  });
});

describe('contentDisposition', () => {
  it('is an attachment with an ASCII fallback and the UTF-8 name', () => {
    expect(contentDisposition('atestado médico.pdf')).toBe(
      `attachment; filename="atestado medico.pdf"; filename*=UTF-8''atestado%20m%C3%A9dico.pdf`,
    );
    expect(contentDisposition('só.pdf')).toContain('filename="so.pdf"');
  });
});
