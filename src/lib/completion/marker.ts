/** First line of what vault adds to a generated completion script; its presence means "already added". */
export const MARKER = '# vault: profile-name completion'
