import type { HolidayPeriod, OperatingPeriod } from '../../../shared/callingSettings';
import { WEEK_DAYS } from '../../../shared/callingSettings';

/** "0930" as the time input shows it ("09:30"), and back. */
const asInput = (hhmm: string) => (/^\d{4}$/.test(hhmm) ? `${hhmm.slice(0, 2)}:${hhmm.slice(2)}` : hhmm);
const fromInput = (value: string) => value.replace(':', '').slice(0, 4);

/** The opening hours and holidays WhatsApp applies to the number's calls, edited as lists. */
export function CallHoursEditor(props: {
  periods: OperatingPeriod[];
  holidays: HolidayPeriod[];
  onChange: (periods: OperatingPeriod[], holidays: HolidayPeriod[]) => void;
}) {
  const { periods, holidays, onChange } = props;
  const setPeriod = (i: number, patch: Partial<OperatingPeriod>) =>
    onChange(
      periods.map((p, j) => (j === i ? { ...p, ...patch } : p)),
      holidays,
    );
  const setHoliday = (i: number, patch: Partial<HolidayPeriod>) =>
    onChange(
      periods,
      holidays.map((h, j) => (j === i ? { ...h, ...patch } : h)),
    );
  return (
    <div className="call-hours" data-testid="call-hours-editor">
      <fieldset>
        <legend>Opening hours (WhatsApp takes two periods a day at most)</legend>
        {periods.map((p, i) => (
          <div className="row" key={`p${i}`} data-testid="opening-period">
            <select
              aria-label="Day"
              data-testid={`period-day-${i}`}
              value={p.day_of_week}
              onChange={(e) => setPeriod(i, { day_of_week: e.target.value })}
            >
              {WEEK_DAYS.map((d) => (
                <option key={d} value={d}>
                  {d.charAt(0) + d.slice(1).toLowerCase()}
                </option>
              ))}
            </select>
            <input
              type="time"
              aria-label="Opens"
              data-testid={`period-open-${i}`}
              value={asInput(p.open_time)}
              onChange={(e) => setPeriod(i, { open_time: fromInput(e.target.value) })}
            />
            <input
              type="time"
              aria-label="Closes"
              data-testid={`period-close-${i}`}
              value={asInput(p.close_time)}
              onChange={(e) => setPeriod(i, { close_time: fromInput(e.target.value) })}
            />
            <button
              className="link"
              data-testid={`period-remove-${i}`}
              onClick={() =>
                onChange(
                  periods.filter((_, j) => j !== i),
                  holidays,
                )
              }
            >
              Remove
            </button>
          </div>
        ))}
        <button
          data-testid="period-add"
          onClick={() =>
            onChange([...periods, { day_of_week: 'MONDAY', open_time: '0900', close_time: '1700' }], holidays)
          }
        >
          Add opening period
        </button>
      </fieldset>
      <fieldset>
        <legend>Holidays (no calls ring; days already past are dropped when you save)</legend>
        {holidays.map((h, i) => (
          <div className="row" key={`h${i}`} data-testid="holiday">
            <input
              type="date"
              aria-label="Date"
              data-testid={`holiday-date-${i}`}
              value={h.date}
              onChange={(e) => setHoliday(i, { date: e.target.value })}
            />
            <input
              type="time"
              aria-label="From"
              data-testid={`holiday-start-${i}`}
              value={asInput(h.start_time)}
              onChange={(e) => setHoliday(i, { start_time: fromInput(e.target.value) })}
            />
            <input
              type="time"
              aria-label="Until"
              data-testid={`holiday-end-${i}`}
              value={asInput(h.end_time)}
              onChange={(e) => setHoliday(i, { end_time: fromInput(e.target.value) })}
            />
            <button
              className="link"
              data-testid={`holiday-remove-${i}`}
              onClick={() =>
                onChange(
                  periods,
                  holidays.filter((_, j) => j !== i),
                )
              }
            >
              Remove
            </button>
          </div>
        ))}
        <button
          data-testid="holiday-add"
          onClick={() =>
            onChange(periods, [
              ...holidays,
              { date: new Date().toISOString().slice(0, 10), start_time: '0000', end_time: '2359' },
            ])
          }
        >
          Add holiday
        </button>
      </fieldset>
    </div>
  );
}
