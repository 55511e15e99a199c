import { detectDocumentType } from './document-type.js';
import { samplePdf } from '../../../test/fixtures/sample-pdf.js';

describe('detectDocumentType', () => {
  it('recognises PDF, PNG and JPEG by content', () => {
    expect(detectDocumentType(samplePdf())).toEqual({ mime: 'application/pdf', ext: 'pdf' });
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    expect(detectDocumentType(png)).toEqual({ mime: 'image/png', ext: 'png' });
    expect(detectDocumentType(Buffer.from('ffd8ffe000104a464946', 'hex'))).toEqual({ mime: 'image/jpeg', ext: 'jpg' });
  });

  it('refuses anything else, whatever it is called', () => {
    expect(detectDocumentType(Buffer.from('<!doctype html><html>%PDF-1.4</html>'))).toBeNull();
    expect(detectDocumentType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toBeNull();
    expect(detectDocumentType(Buffer.from('PK\x03\x04zip', 'latin1'))).toBeNull();
    expect(detectDocumentType(Buffer.from('MZ\x90\x00', 'latin1'))).toBeNull();
    expect(detectDocumentType(Buffer.from('89504e470d0a1a0a', 'hex'))).toBeNull(); // a PNG signature alone is not a PNG
    expect(detectDocumentType(Buffer.alloc(0))).toBeNull();
  });
});
