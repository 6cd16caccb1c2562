/** The end of a settings form: why the values were refused, the Save button, and a tick once saved. */
export function SaveRow(props: {
  error?: string;
  saved: boolean;
  onSave: () => Promise<void>;
  label: string;
  testId: string;
  errorTestId?: string;
}) {
  return (
    <>
      {props.error && (
        <p className="error" role="alert" data-testid={props.errorTestId}>
          {props.error}
        </p>
      )}
      <button data-testid={props.testId} onClick={() => void props.onSave()}>
        {props.label}
      </button>
      {props.saved && (
        <p className="ok" role="status">
          ✓
        </p>
      )}
    </>
  );
}
