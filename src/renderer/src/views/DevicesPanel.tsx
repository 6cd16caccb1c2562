import { useTranslation } from 'react-i18next';
import { LevelMeter } from './LevelMeter';
import { errorText } from '../../../shared/errorText';
import { useEffect, useState } from 'react';
import { applyDevices, savePreferences } from '../actions';
import { listAudioDevices, type AudioDevices } from '../rtc/devices';
import { startMicMeter } from '../rtc/micMeter';
import { playTestSound } from '../rtc/testSound';
import { usePhone } from '../store';

function DeviceSelect(props: {
  label: string;
  testId: string;
  devices: MediaDeviceInfo[];
  value?: string;
  onChange: (id: string | undefined) => void;
}) {
  const { t } = useTranslation();
  const known = props.devices.some((d) => d.deviceId === props.value);
  return (
    <label className="field">
      <span>{props.label}</span>
      <select
        data-testid={props.testId}
        value={known ? props.value : 'default'}
        onChange={(e) => props.onChange(e.target.value === 'default' ? undefined : e.target.value)}
      >
        {!props.devices.some((d) => d.deviceId === 'default') && (
          <option value="default">{t('devices.systemDefault')}</option>
        )}
        {props.devices.map((d) => (
          <option key={d.deviceId} value={d.deviceId}>
            {d.label || t('devices.unnamed', { id: d.deviceId.slice(0, 6) })}
          </option>
        ))}
      </select>
      {props.value && !known && <small className="warning">{t('devices.notConnected')}</small>}
    </label>
  );
}

export function DevicesPanel() {
  const { t } = useTranslation();
  const prefs = usePhone((s) => s.status?.preferences);
  const notice = usePhone((s) => s.deviceNotice);
  const [devices, setDevices] = useState<AudioDevices>({ inputs: [], outputs: [] });
  const [level, setLevel] = useState(0);
  const [meterError, setMeterError] = useState<string>();
  const [testState, setTestState] = useState<'idle' | 'playing' | 'played' | string>('idle');
  const micId = prefs?.micDeviceId;

  useEffect(() => {
    const refresh = () => void listAudioDevices().then(setDevices);
    refresh();
    navigator.mediaDevices?.addEventListener('devicechange', refresh);
    return () => navigator.mediaDevices?.removeEventListener('devicechange', refresh);
  }, []);

  useEffect(() => {
    let meter: Awaited<ReturnType<typeof startMicMeter>> | undefined;
    let cancelled = false;
    startMicMeter(micId, setLevel).then(
      (m) => {
        if (cancelled) m.stop();
        else meter = m;
        // Labels appear only once a microphone has been opened.
        void listAudioDevices().then(setDevices);
      },
      (error: unknown) => setMeterError(errorText(error)),
    );
    return () => {
      cancelled = true;
      meter?.stop();
    };
  }, [micId]);

  async function testSound(): Promise<void> {
    setTestState('playing');
    try {
      await playTestSound(prefs?.speakerDeviceId);
      setTestState('played');
    } catch (error) {
      setTestState(errorText(error));
    }
  }

  if (!prefs) return null;
  return (
    <section className="card devices" data-testid="devices-panel">
      <h2>{t('devices.title')}</h2>
      {notice && (
        <p className="warning" data-testid="device-notice">
          {notice}
        </p>
      )}
      <DeviceSelect
        label={t('devices.microphone')}
        testId="device-mic"
        devices={devices.inputs}
        value={prefs.micDeviceId}
        onChange={(id) => void applyDevices({ micDeviceId: id })}
      />
      <LevelMeter label={t('devices.micLevel')} level={level} testId="mic-level" />
      {meterError && <p className="error">{t('devices.micError', { error: meterError })}</p>}
      <DeviceSelect
        label={t('devices.speaker')}
        testId="device-speaker"
        devices={devices.outputs}
        value={prefs.speakerDeviceId}
        onChange={(id) => void applyDevices({ speakerDeviceId: id })}
      />
      <DeviceSelect
        label={t('devices.ringer')}
        testId="device-ringer"
        devices={devices.outputs}
        value={prefs.ringerDeviceId}
        onChange={(id) => void applyDevices({ ringerDeviceId: id })}
      />
      <label className="field">
        <span>{t('ringerVolume')}</span>
        <input
          type="range"
          min={0}
          max={1}
          step={0.05}
          data-testid="ringer-volume"
          value={prefs.ringerVolume ?? 0.5}
          onChange={(e) => void savePreferences({ ringerVolume: Number(e.target.value) })}
        />
      </label>
      <div className="actions">
        <button data-testid="test-sound" disabled={testState === 'playing'} onClick={() => void testSound()}>
          {t('devices.test')}
        </button>
      </div>
      <p data-testid="test-sound-state" role="status">
        {testState === 'played'
          ? t('devices.played')
          : testState === 'playing'
            ? t('devices.playing')
            : testState === 'idle'
              ? ''
              : testState}
      </p>
    </section>
  );
}
