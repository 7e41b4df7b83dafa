// Text from outside the doctor, made plain before it is shown. Rows are the Prepare step.
import { clip } from '../../../lambdas/core/text';

describe('clip', () => {
  it.each<[string, string, number, string]>([
    ['short text stays as it is', 'short text', 20, 'short text'],
    ['text of exactly the limit stays whole', 'exactly ten', 11, 'exactly ten'],
    ['longer text ends in an ellipsis within the limit', 'one too long', 11, 'one too lo…'],
    ['runs of spaces become one', '  spaces   inside  ', 20, 'spaces inside'],
    ['line breaks, tabs and NUL become spaces', 'line\r\nbreaks\tand\u0000nul', 30, 'line breaks and nul'],
    ['no space before the ellipsis', 'cut before a space', 11, 'cut before…'],
    [
      'line separators, bidirectional overrides and C1 controls become spaces',
      'line\u2028separator, bidi\u202eoverride and C1\u0085control',
      60,
      'line separator, bidi override and C1 control',
    ],
  ])('%s', (_rule, text, max, clipped) => {
    expect(clip(text, max)).toBe(clipped);
  });
});
