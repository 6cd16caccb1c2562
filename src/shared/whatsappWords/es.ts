import type { WhatsappWords } from './en';

/** WhatsApp's words (error codes, alerts about the number) for the desk and the board: es. */
export const whatsappWordsEs: WhatsappWords = {
  /** WhatsApp's calling error codes in words (src/shared/callErrors.ts holds the same list in English). */
  whatsappErrors: {
    100: 'WhatsApp rechazó un valor que envió este teléfono (parámetro no válido); los detalles están en el registro.',
    613: 'WhatsApp limita la frecuencia de consulta de permisos de llamada: espera un momento y vuelve a intentarlo.',
    131009:
      'WhatsApp no permite mensajes con botón de llamada desde el país de esta empresa: consulta a tu administrador.',
    131030:
      'Este cliente no está en la lista de destinatarios permitidos del número de prueba: pide a tu administrador que lo añada.',
    131044:
      'WhatsApp no pudo conectar esta llamada porque la cuenta de empresa no tiene un método de pago válido: pide a tu administrador que añada uno.',
    138015:
      'No se pueden activar las llamadas en este número hasta que su límite de mensajes sea de al menos 2.000: consulta a tu administrador.',
    138017: 'Este cliente ya dio permiso permanente para que lo llamen: no hace falta pedirlo.',
    138018:
      'Las llamadas no están configuradas en WhatsApp: la app debe estar suscrita al webhook calls (o SIP activado): consulta a tu administrador.',
    190: 'WhatsApp ya no acepta el token de acceso del teléfono: pide a tu administrador que pegue uno nuevo en Ajustes.',
    131055:
      'Este número está configurado para llamadas SIP, así que WhatsApp rechaza las llamadas de este teléfono: pide a tu administrador que desactive SIP.',
    131047:
      'Este cliente escribió por última vez hace más de 24 horas, así que WhatsApp solo acepta una plantilla aprobada: pide a tu administrador que configure la plantilla de permiso de llamada en Ajustes.',
    132001:
      'WhatsApp no conoce la plantilla de permiso de llamada configurada en Ajustes (nombre o idioma): pide a tu administrador que la revise.',
    138000: 'Las llamadas no están activadas en este número de empresa: pide a tu administrador que las active.',
    138001: 'No se puede llamar a este cliente por WhatsApp (no está en WhatsApp o su app no admite llamadas).',
    138002:
      'Se alcanzó el límite de llamadas simultáneas de WhatsApp para este número: inténtalo de nuevo en un momento.',
    138003: 'Ya hay una llamada en curso con este cliente.',
    138004: 'WhatsApp tuvo un problema de conexión con esta llamada: inténtalo de nuevo.',
    138005: 'Se iniciaron demasiadas llamadas demasiado rápido: espera un minuto y vuelve a intentarlo.',
    138006: 'Este cliente no ha dado permiso para que lo llamen: pide permiso primero.',
    138007: 'La llamada no se pudo establecer a tiempo del lado de WhatsApp: inténtalo de nuevo.',
    138008: 'WhatsApp rechazó la configuración de audio de este teléfono para la llamada; no se pudo conectar.',
    138009:
      'WhatsApp no permite más solicitudes de permiso de llamada a este cliente por ahora (una al día, dos a la semana).',
    138012: 'Se alcanzó el límite diario de llamadas iniciadas por la empresa: inténtalo más tarde.',
    138013: 'Este número de empresa no puede iniciar llamadas: consulta a tu administrador.',
    138014:
      'WhatsApp pausó las llamadas en este número por ahora debido a la calidad de las llamadas: consulta a tu administrador.',
    138019: 'El WhatsApp del cliente no pudo establecer la llamada.',
    138020: 'El WhatsApp del cliente no pudo llegar a los servidores de llamadas de WhatsApp.',
    138021: 'El WhatsApp del cliente dejó de recibir audio de este teléfono, así que WhatsApp terminó la llamada.',
    138022: 'El WhatsApp del cliente no pudo enviar audio, así que WhatsApp terminó la llamada.',
    138023: 'La llamada se contestó pero nunca fluyó audio, así que WhatsApp la terminó.',
    unknown: 'WhatsApp informó de un problema con esta llamada',
    noCode: 'WhatsApp informó de un problema con esta llamada sin decir cuál; los detalles están en el registro.',
    withCode: '{{sentence}} (código de WhatsApp {{code}})',
  },
  /** WhatsApp's word about the business number: restrictions, warnings, changed settings. */
  accountAlerts: {
    title: 'WhatsApp sobre este número',
    restrictedBusiness: 'WhatsApp restringió las llamadas a clientes desde este número',
    restrictedUser: 'WhatsApp restringió las llamadas a este número',
    restrictedButton: 'WhatsApp ocultó el botón de llamada de este número',
    restrictedCalling: 'WhatsApp restringió las llamadas en este número',
    until: '{{what}} hasta el {{date}}',
    because: '{{what}}: {{reason}}.',
    plain: '{{what}}.',
    reasonLowPickup: 'demasiadas llamadas perdidas',
    reasonFeedback: 'demasiados clientes bloquearon o denunciaron el número',
    reasonOther: '{{reason}}',
    lowPickup:
      'WhatsApp avisa de que demasiadas llamadas a este número quedan sin respuesta: contesta más o WhatsApp ocultará el botón de llamada.',
    warning: 'WhatsApp envió un aviso sobre las llamadas en este número ({{warning}}).',
    settingsChanged: 'La configuración de llamadas del número se cambió en WhatsApp.',
  },
};
