import { useTranslation } from 'react-i18next';
import type { HolidayPeriod, OperatingPeriod } from '../../../shared/callingSettings';
import { WEEK_DAYS } from '../../../shared/callingSettings';
import { dayName } from './callHoursWords';

/** "0930" as the time input shows it ("09:30"), and back. */
const asInput = (hhmm: string) => (/^\d{4}$/.test(hhmm) ? `${hhmm.slice(0, 2)}:${hhmm.slice(2)}` : hhmm);
const fromInput = (value: string) => value.replace(':', '').slice(0, 4);

/** The opening hours and holidays WhatsApp applies to the number's calls, edited as lists. */
export function CallHoursEditor(props: {
  periods: OperatingPeriod[];
  holidays: HolidayPeriod[];
  onChange: (periods: OperatingPeriod[], holidays: HolidayPeriod[]) => void;
}) {
  const { t, i18n } = useTranslation();
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
        <legend>{t('callingSettings.hoursLegend')}</legend>
        {periods.map((p, i) => (
          <div className="row" key={`p${i}`} data-testid="opening-period">
            <select
              aria-label={t('callingSettings.day')}
              data-testid={`period-day-${i}`}
              value={p.day_of_week}
              onChange={(e) => setPeriod(i, { day_of_week: e.target.value })}
            >
              {WEEK_DAYS.map((d) => (
                <option key={d} value={d}>
                  {dayName(d, i18n.language)}
                </option>
              ))}
            </select>
            <input
              type="time"
              aria-label={t('callingSettings.opens')}
              data-testid={`period-open-${i}`}
              value={asInput(p.open_time)}
              onChange={(e) => setPeriod(i, { open_time: fromInput(e.target.value) })}
            />
            <input
              type="time"
              aria-label={t('callingSettings.closes')}
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
              {t('callingSettings.remove')}
            </button>
          </div>
        ))}
        <button
          data-testid="period-add"
          onClick={() =>
            onChange([...periods, { day_of_week: 'MONDAY', open_time: '0900', close_time: '1700' }], holidays)
          }
        >
          {t('callingSettings.addPeriod')}
        </button>
      </fieldset>
      <fieldset>
        <legend>{t('callingSettings.holidaysLegend')}</legend>
        {holidays.map((h, i) => (
          <div className="row" key={`h${i}`} data-testid="holiday">
            <input
              type="date"
              aria-label={t('callingSettings.date')}
              data-testid={`holiday-date-${i}`}
              value={h.date}
              onChange={(e) => setHoliday(i, { date: e.target.value })}
            />
            <input
              type="time"
              aria-label={t('callingSettings.from')}
              data-testid={`holiday-start-${i}`}
              value={asInput(h.start_time)}
              onChange={(e) => setHoliday(i, { start_time: fromInput(e.target.value) })}
            />
            <input
              type="time"
              aria-label={t('callingSettings.until')}
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
              {t('callingSettings.remove')}
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
          {t('callingSettings.addHoliday')}
        </button>
      </fieldset>
    </div>
  );
}
