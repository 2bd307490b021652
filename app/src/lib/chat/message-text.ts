// What a message's text may look like on screen: no padding around it and no wall of blank lines
// (a partner could otherwise fill several screens with one message of newlines).

/** Blank lines kept in a row: enough for paragraphs. */
const maxBlankLines = 1

const blankRun = new RegExp(`\\n(?:[^\\S\\n]*\\n){${maxBlankLines + 1},}`, 'g')

/** Trims the text, unifies line ends and folds each run of blank lines into one. */
export function tidyMessage(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(blankRun, '\n'.repeat(maxBlankLines + 1))
    .trim()
}
