/** An audio level as assistive technology reads it (ARIA meter, 0 to 100). */
export function LevelMeter(props: { label: string; level: number; testId?: string }) {
  const percent = Math.max(0, Math.min(100, Math.round(props.level * 100)));
  return (
    <div
      className="meter"
      role="meter"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      data-testid={props.testId}
      data-level={props.level.toFixed(3)}
    >
      <div className="meter-fill" style={{ width: `${percent}%` }} />
    </div>
  );
}
